// http-hello: answers GET / with a short text on port 80 — the demo that the
// README's first command boots (`npx crust run examples/http-hello -p 8080:80`).
import { println, exit } from "crust";
import { startNetwork } from "crust/net/stack";
import { HttpServer, Request, RequestHandler, Response, Router } from "crust/http";

class Hello extends RequestHandler {
  handle(req: Request, res: Response): void {
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.send("Hello from Crust!\n");
  }
}

export function main(args: string[]): void {
  const net = startNetwork();
  if (net === null) exit(1); // startNetwork said why
  const router = new Router().get("/", new Hello());
  if (net!.tcp.listen(80, new HttpServer(router)) === null) {
    println("http-hello: port 80 is taken");
    exit(1);
  }
  println("http-hello: listening on port 80");
}
