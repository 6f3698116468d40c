"""The project's exceptions. Only UsageError escapes to the CLI; input problems become findings."""


class EksIpLintError(Exception):
    """Base of every exception this package raises on purpose."""


class UsageError(EksIpLintError):
    """The command line or a configuration file is wrong: exit code 2, no findings."""


class InputError(EksIpLintError):
    """A user file cannot be read or parsed. Carries the place, becomes an EKSIP000 finding."""

    def __init__(
        self, message: str, path: str, line: int = 1, *, skipped: bool = True, consequence: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        # True: the file was left out. False: it was read, but holds configuration Terraform
        # refuses (a value not of its variable's type, a local that refers to itself...).
        self.skipped = skipped
        # What the problem means for the analysis, when neither of those says it (EKSIP000 ends its
        # message with it): "the module is not analysed" for a source outside the scanned tree.
        self.consequence = consequence
