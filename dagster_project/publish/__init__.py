"""Publishing: the history store (runs, scorecard history) and the atomic analysts' database."""
