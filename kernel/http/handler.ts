// What an app implements to answer requests. AssemblyScript has no closures,
// so a handler is an object; it may answer at once (res.send) or later, from
// a timer or another event (res.write ... res.end). Requests on one
// connection are answered in order: the next is not handed over until this
// response has ended.
import { Request } from "./request";
import { Response } from "./response";

export abstract class RequestHandler {
  abstract handle(req: Request, res: Response): void;
}
