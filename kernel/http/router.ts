// A small router: exact paths and path prefixes, per method.
//
//   new Router()
//     .get("/", new Home())
//     .post("/items", new AddItem())
//     .prefix("GET", "/static/", new Files())
//
// Matching: a route for the method (or for any method, "*") whose exact path
// is the request's path wins; else the longest matching prefix route. A
// prefix matches whole path segments: "/api" matches "/api" and "/api/x" but
// not "/apix"; "/static/" matches everything below it. HEAD uses GET's route
// when it has none of its own (RFC 9110 §9.3.2). When routes exist for the
// path but not the method: 405 with Allow (RFC 9110 §15.5.6 MUST); when none
// exist: 404.
import { RequestHandler } from "./handler";
import { Request } from "./request";
import { Response } from "./response";
import { Status } from "./status";

/** A route for every method. */
export const ANY_METHOD = "*";

class Route {
  constructor(public method: string, public path: string, public isPrefix: bool, public handler: RequestHandler) {}

  matchesPath(path: string): bool {
    if (!this.isPrefix) return path == this.path;
    const p = this.path;
    if (!path.startsWith(p)) return false;
    return p.endsWith("/") || path.length == p.length || path.charCodeAt(p.length) == 0x2f;
  }

  matchesMethod(method: string): bool {
    return this.method == ANY_METHOD || this.method == method;
  }
}

export class Router extends RequestHandler {
  private routes: Route[] = [];
  /** Answers requests no route matches (default: a plain 404). */
  notFound: RequestHandler | null = null;

  /** Route requests with this method and exactly this path. */
  route(method: string, path: string, handler: RequestHandler): Router {
    this.routes.push(new Route(method, path, false, handler));
    return this;
  }

  /** Route requests with this method and a path at or below prefix. */
  prefix(method: string, prefix: string, handler: RequestHandler): Router {
    this.routes.push(new Route(method, prefix, true, handler));
    return this;
  }

  get(path: string, handler: RequestHandler): Router { return this.route("GET", path, handler); }
  post(path: string, handler: RequestHandler): Router { return this.route("POST", path, handler); }
  put(path: string, handler: RequestHandler): Router { return this.route("PUT", path, handler); }
  patch(path: string, handler: RequestHandler): Router { return this.route("PATCH", path, handler); }
  del(path: string, handler: RequestHandler): Router { return this.route("DELETE", path, handler); }
  any(path: string, handler: RequestHandler): Router { return this.route(ANY_METHOD, path, handler); }

  handle(req: Request, res: Response): void {
    let route = this.find(req.method, req.path);
    if (route === null && req.method == "HEAD") route = this.find("GET", req.path);
    if (route !== null) {
      route.handler.handle(req, res);
      return;
    }
    const allow = this.allowedMethods(req.path);
    if (allow.length > 0) {
      res.status = Status.MethodNotAllowed;
      res.setHeader("Allow", allow.join(", "));
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.send("405 Method Not Allowed\n");
      return;
    }
    const nf = this.notFound;
    if (nf !== null) {
      nf.handle(req, res);
      return;
    }
    res.status = Status.NotFound;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.send("404 Not Found\n");
  }

  /** The route for a method and path, exact before longest prefix. */
  private find(method: string, path: string): Route | null {
    let best: Route | null = null;
    for (let i = 0; i < this.routes.length; i++) {
      const r = this.routes[i];
      if (!r.matchesMethod(method) || !r.matchesPath(path)) continue;
      if (!r.isPrefix) return r;
      if (best === null || r.path.length > best.path.length) best = r;
    }
    return best;
  }

  /** Methods that some route accepts for this path, for Allow. */
  private allowedMethods(path: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.routes.length; i++) {
      const r = this.routes[i];
      if (!r.matchesPath(path) || out.includes(r.method)) continue;
      out.push(r.method);
      if (r.method == "GET" && !out.includes("HEAD")) out.push("HEAD");
    }
    return out;
  }
}
