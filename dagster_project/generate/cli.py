"""`csc generate` (placeholder until the generator lands)."""


def register(sub) -> None:
    p = sub.add_parser("generate", help="write a synthetic extract")
    p.set_defaults(handler=lambda args: print("generator not yet available") or 1)
