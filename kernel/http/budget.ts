// The request-body memory that all connections of one server hold together.
// One body is bounded by maxBodyBytes, but maxConnections of them at once
// would be a gigabyte: far more than a unikernel of a few MiB has. Bytes are
// taken from the budget as they arrive (not when a Content-Length announces
// them, so a client that announces a large body and sends nothing takes
// nothing) and given back when the body is handed to the handler — from then
// on it is the app's object — or dropped. A body that does not fit is
// answered 503 (RFC 9110 §15.6.4: the server is temporarily overloaded).

export class BodyBudget {
  /** Body bytes held by requests still being received. */
  held: i64 = 0;

  constructor(public limit: i64) {}

  /** Take n bytes if they fit. */
  take(n: i32): bool {
    if (this.held + n > this.limit) return false;
    this.held += n;
    return true;
  }

  give(n: i32): void { this.held -= n; }
}
