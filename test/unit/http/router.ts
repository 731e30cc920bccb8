// The router: exact routes, prefix routes (longest wins, whole segments),
// any-method routes, HEAD falling back to GET, 404 and 405 with Allow.
import "crust";
// Through the package's index, as an app would import it.
import { HttpServer, RequestHandler, Request, Response, Router, ANY_METHOD } from "crust/http";
import { MemoryStream, ParsedResponse, parseResponses } from "./memory_stream";

/** Answers with its own name, so a test sees which route was taken. */
class Named extends RequestHandler {
  constructor(public name: string) { super(); }
  handle(req: Request, res: Response): void {
    res.setHeader("X-Route", this.name);
    res.send(this.name + " " + req.method + " " + req.path);
  }
}

function app(): Router {
  return new Router()
    .get("/", new Named("home"))
    .post("/", new Named("post-home"))
    .route("HEAD", "/explicit-head", new Named("head"))
    .get("/explicit-head", new Named("get"))
    .prefix("GET", "/static/", new Named("static"))
    .prefix(ANY_METHOD, "/api", new Named("api"))
    .get("/api/special", new Named("special"))
    .prefix("GET", "/api/v1", new Named("v1"))
    .prefix("PUT", "/files", new Named("files"))
    .del("/items", new Named("delete-items"))
    .patch("/items", new Named("patch-items"));
}

function ask(router: Router, method: string, target: string): ParsedResponse {
  const server = new HttpServer(router);
  const s = new MemoryStream();
  server.accept(s);
  s.send(method + " " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
  const rs = parseResponses(s.take(), [method == "HEAD"]);
  s.peerClose();
  assert(rs.length == 1, method + " " + target + ": one answer");
  return rs[0];
}

function expectRoute(method: string, target: string, name: string): void {
  const r = ask(app(), method, target);
  const got = r.header("x-route");
  assert(r.status == 200 && got !== null && got == name, method + " " + target + " -> " + name + ", got " + (got !== null ? got : "none"));
}

function expectStatus(method: string, target: string, status: i32, allow: string | null = null): void {
  const r = ask(app(), method, target);
  assert(r.status == status, method + " " + target + ": " + status.toString() + ", got " + r.status.toString());
  const got = r.header("allow");
  if (allow !== null) assert(got !== null && got == allow, method + " " + target + ": Allow " + allow + ", got " + (got !== null ? got : "none"));
  else assert(got === null, "no Allow");
}

class Custom404 extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.status = 404;
    res.send("nothing at " + req.path);
  }
}

export function main(args: string[]): void {
  expectRoute("GET", "/", "home");
  expectRoute("POST", "/", "post-home");
  expectRoute("GET", "/?q=1", "home"); // the query is not part of the path
  expectRoute("HEAD", "/", "home"); // HEAD falls back to GET
  expectRoute("HEAD", "/explicit-head", "head"); // unless it has its own route
  expectRoute("GET", "/explicit-head", "get");
  expectRoute("GET", "/static/css/site.css", "static");
  expectRoute("GET", "/static/", "static");
  expectRoute("GET", "/api", "api");
  expectRoute("POST", "/api/users", "api"); // any method
  expectRoute("GET", "/api/special", "special"); // exact beats prefix
  expectRoute("GET", "/api/v1/things", "v1"); // the longest prefix wins
  expectRoute("POST", "/api/v1/things", "api"); // ... among those for the method
  expectRoute("DELETE", "/items", "delete-items");
  expectRoute("PUT", "/files/a/b", "files");

  expectStatus("GET", "/nowhere", 404);
  expectStatus("GET", "/static", 404); // "/static/" matches below it only
  expectStatus("GET", "/apix", 404); // prefixes match whole segments
  expectStatus("DELETE", "/", 405, "GET, HEAD, POST");
  expectStatus("GET", "/files/a", 405, "PUT");
  expectStatus("GET", "/items", 405, "DELETE, PATCH");
  expectStatus("POST", "/explicit-head", 405, "HEAD, GET");

  const head405 = ask(app(), "HEAD", "/items");
  assert(head405.status == 405 && head405.body == "", "HEAD 405 has no body");
  const r404 = ask(app(), "GET", "/nowhere");
  assert(r404.body == "404 Not Found\n", "plain 404 body");

  const custom = app();
  custom.notFound = new Custom404();
  const c = ask(custom, "GET", "/missing");
  assert(c.status == 404 && c.body == "nothing at /missing", "custom not-found handler");
}
