"""The dbt staging step has the later steps' libraries imported in the background (warm_imports.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _fresh_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_modules_are_imported_in_a_background_thread_once_per_process():
    done = _fresh_python(
        """
        import sys
        from dagster_project.orchestration import warm_imports
        assert not any(m in sys.modules for m in warm_imports.MODULES)
        thread = warm_imports.warm_in_background()
        assert thread is not None and thread.daemon
        assert warm_imports.warm_in_background() is None  # the second step of the run starts nothing
        thread.join(timeout=60)
        print(sorted(m for m in warm_imports.MODULES if m in sys.modules))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(sorted(["dagster_project.quality.gx_runner", "dagster_project.reports.build"]))


def test_a_module_that_cannot_be_imported_is_left_to_the_step_that_needs_it():
    done = _fresh_python(
        """
        import sys
        from dagster_project.orchestration import warm_imports
        assert "colorsys" not in sys.modules
        thread = warm_imports.warm_in_background(("no_such_module_here", "colorsys"))
        thread.join(timeout=60)
        print("colorsys" in sys.modules, "no_such_module_here" in sys.modules)
        """
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.strip() == "True False"
