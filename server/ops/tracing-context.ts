// The active OpenTelemetry context kept in AsyncLocalStorage, so a span stays current across the awaits of the request
// or call it belongs to. The SDK's trace package brings none for Node (@opentelemetry/context-async-hooks is a package
// of its own), and this is all of it the server needs.
import { AsyncLocalStorage } from "node:async_hooks";
import { ROOT_CONTEXT, type Context, type ContextManager } from "@opentelemetry/api";

export class AsyncLocalStorageContextManager implements ContextManager {
  private storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const call = thisArg === undefined ? fn : (fn.bind(thisArg) as F);
    return this.storage.run(context, call, ...args);
  }

  /** Functions only: nothing in the server hands event emitters to the API to bind. */
  bind<T>(context: Context, target: T): T {
    if (typeof target !== "function") return target;
    const run = (self: unknown, args: unknown[]) => this.with(context, () => (target as (...a: unknown[]) => unknown).apply(self, args));
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    this.storage = new AsyncLocalStorage<Context>();
    return this;
  }
}
