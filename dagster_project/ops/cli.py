"""`csc run`, `csc status`, `csc ui`."""


def register(sub) -> None:
    p = sub.add_parser("run", help="run the nightly job once")
    p.set_defaults(handler=lambda args: print("nothing to run yet") or 0)
