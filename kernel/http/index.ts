// kernel/http: the HTTP/1.1 server (RFC 9110 semantics, RFC 9112 syntax).
//
//   parser.ts      bytes -> Request, incremental, bounded, never panics
//   request.ts     the parsed request the handler sees
//   response.ts    the answer: whole or streamed, framing and Date added
//   headers.ts     field lists with case-insensitive names
//   router.ts      exact and prefix routes per method, 404/405
//   connection.ts  one Stream: keep-alive, pipelining, timeouts
//   server.ts      HttpServer, the StreamAcceptor a transport hands streams
//   handler.ts     RequestHandler, what an app implements
//   config.ts      limits and timeouts (what bounds a connection's memory)
//   budget.ts      the request-body bytes all connections hold together
//   stats.ts       counters: requests, bad requests by status, timeouts
//   date.ts        IMF-fixdate for the Date header, cached per second
//   status.ts      status codes and reason phrases
//   bytes.ts       bounded ByteBuffer and byte-level helpers
//
// Depends on kernel/core (timers, clocks, log) and the Stream interface of
// kernel/net/stream.ts only: never on TCP itself.
export { HttpServer } from "./server";
export { HttpConfig } from "./config";
export { HttpStats } from "./stats";
export { RequestHandler } from "./handler";
export { Request } from "./request";
export { Response, ResponseListener } from "./response";
export { Headers } from "./headers";
export { Router, ANY_METHOD } from "./router";
export { Status, reasonPhrase } from "./status";
export { httpDate, imfFixdate } from "./date";
