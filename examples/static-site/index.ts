// static-site: serves the files of public/, which `crust build` embeds in the
// image, with their Content-Type, a strong ETag (If-None-Match gives 304) and
// 404 for anything else. GET and HEAD only.
import { println, exit } from "crust";
import { startNetwork } from "crust/net/stack";
import { findAsset } from "crust/store/assets";
import { HttpServer, Request, RequestHandler, Response, Router, Status } from "crust/http";

class StaticFiles extends RequestHandler {
  handle(req: Request, res: Response): void {
    const asset = findAsset(req.path);
    if (asset === null) {
      res.status = Status.NotFound;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.send("not found: " + req.path + "\n");
      return;
    }
    res.setHeader("ETag", asset.etag);
    // RFC 9110 §13.1.2: a matching strong validator means the client's copy is current.
    const inm = req.header("if-none-match");
    if (inm !== null && (inm == "*" || inm.split(",").map<string>((t) => t.trim()).includes(asset.etag))) {
      res.status = Status.NotModified;
      res.end();
      return;
    }
    res.setHeader("Content-Type", asset.contentType);
    res.sendBytes(asset.bytes());
  }
}

export function main(args: string[]): void {
  const net = startNetwork();
  if (net === null) exit(1);
  const router = new Router().prefix("GET", "/", new StaticFiles());
  if (net!.tcp.listen(80, new HttpServer(router)) === null) exit(1);
  println("static-site: listening on port 80");
}
