// Errors a user can act on. Anything thrown that is not a CrustError is a bug
// in crust itself and is shown with its stack.

export class CrustError extends Error {
  constructor(message: string, readonly exitCode = 1, readonly hint?: string) {
    super(message);
  }
}

/** Bad command-line input: reported with a usage hint, exit code 2. */
export class UsageError extends CrustError {
  constructor(message: string) {
    super(message, 2, "run `npx crust --help` for usage");
  }
}
