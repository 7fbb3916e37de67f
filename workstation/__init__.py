"""案件监督工作站 — the domain core of the Case Supervision Workstation (never imports Qt)."""


def __getattr__(name: str) -> str:
    # The version lives in one place (workstation.version: the package metadata, or
    # pyproject.toml in a source checkout); read on first use, which keeps start-up light.
    if name == "__version__":
        from workstation.version import __version__

        return __version__
    raise AttributeError(f"module 'workstation' has no attribute {name!r}")
