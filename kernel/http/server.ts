// The HTTP/1.1 server: a StreamAcceptor, so any transport that produces
// Streams (TCP, or a test's in-memory pipe) can hand it connections:
//
//   const router = new Router().get("/", new Hello());
//   const server = new HttpServer(router);
//   tcp.listen(80, server);
//
// It owns the configuration and the counters; each accepted stream gets its
// own HttpConnection.
import { Stream, StreamAcceptor } from "../net/stream";
import { BodyBudget } from "./budget";
import { HttpConfig } from "./config";
import { HttpConnection } from "./connection";
import { RequestHandler } from "./handler";
import { HttpStats } from "./stats";

export class HttpServer extends StreamAcceptor {
  readonly stats: HttpStats = new HttpStats();
  /** Request bodies of all connections together (budget.ts). */
  readonly bodyBudget: BodyBudget;

  constructor(public handler: RequestHandler, public config: HttpConfig = new HttpConfig()) {
    super();
    this.bodyBudget = new BodyBudget(config.maxBodyBytesInFlight);
  }

  accept(stream: Stream): void {
    const stats = this.stats;
    stats.connectionsAccepted++;
    if (stats.connectionsOpen >= this.config.maxConnections) {
      // Refusing at once costs nothing; a 503 would need the memory the
      // limit is there to protect.
      stats.connectionsRejected++;
      stream.abort();
      return;
    }
    stats.connectionsOpen++;
    const conn = new HttpConnection(stream, this.handler, this.config, stats, this.bodyBudget);
    stream.handler = conn;
    conn.start();
  }
}
