// Counters of one HttpServer, for the app to read (e.g. to serve /metrics).
// They only grow, except connectionsOpen.

export class HttpStats {
  connectionsAccepted: i64 = 0;
  /** Connections reset at accept because maxConnections were open. */
  connectionsRejected: i64 = 0;
  connectionsOpen: i32 = 0;
  /** Complete requests handed to the handler. */
  requests: i64 = 0;
  /** Requests answered by the server itself with a 4xx/5xx because they were
   *  malformed or over a limit (never reached the handler). */
  badRequests: i64 = 0;
  /** Headers not complete within headerTimeoutMs (answered 408). */
  headerTimeouts: i64 = 0;
  /** A body paused longer than bodyTimeoutMs (answered 408). */
  bodyTimeouts: i64 = 0;
  /** Idle connections closed after idleTimeoutMs. */
  idleTimeouts: i64 = 0;
  /** Peers that did not read output for sendTimeoutMs (reset). */
  sendTimeouts: i64 = 0;
  /** Connections reset because pipelined input exceeded maxPendingBytes. */
  pendingOverflows: i64 = 0;
  /** Connections reset because a handler kept writing past maxQueuedBytes. */
  outputOverflows: i64 = 0;

  private badStatuses: i32[] = [];
  private badCounts: i64[] = [];

  /** Bad requests answered with this status (400, 413, 414, 431, 501, ...). */
  badRequestsWith(status: i32): i64 {
    const i = this.badStatuses.indexOf(status);
    return i < 0 ? 0 : this.badCounts[i];
  }

  /** Counted by the connection when it answers a bad request. */
  countBadRequest(status: i32): void {
    this.badRequests++;
    const i = this.badStatuses.indexOf(status);
    if (i >= 0) this.badCounts[i]++;
    else { this.badStatuses.push(status); this.badCounts.push(1); }
  }

  /** All timeouts together. */
  get timeouts(): i64 {
    return this.headerTimeouts + this.bodyTimeouts + this.idleTimeouts + this.sendTimeouts;
  }
}
