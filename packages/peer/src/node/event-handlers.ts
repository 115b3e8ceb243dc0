/** `on<event>` attributes (HTML "event handler IDL attributes") over the native EventTarget. */

/** The DOM `EventInit` dictionary (Node has no lib.dom). */
export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

/**
 * lib.dom's type `N` (the instance type of its global constructor) when the program is compiled
 * with lib.dom, `never` otherwise: Node's own globals do not include WebRTC.
 */
export type DomType<N extends string> = N extends string // distributes: never for never
  ? typeof globalThis extends Record<N, { prototype: infer P }>
    ? P
    : never
  : never;

/**
 * The type of an `on<event>` attribute: called with `this` the object and `ev` the event.
 * lib.dom's attribute types take lib.dom's object and event types in those places, and ours
 * (with private fields) are not those types, so in a program compiled with lib.dom the handler
 * also accepts lib.dom's (`DomType`): our objects then assign to lib.dom's interfaces, and a
 * handler written for lib.dom's types can be set on ours. Without lib.dom, exactly ours.
 */
export type EventHandler<T, TN extends string, E extends Event = Event, EN extends string = never> =
  | ((this: T | DomType<TN>, ev: E | DomType<EN>) => unknown)
  | null;

type EventListener = (ev: Event) => void;
type Handler = ((this: EventTarget, ev: Event) => unknown) | null;
const slots = new WeakMap<
  EventTarget,
  Map<string, { handler: Handler; listener: EventListener }>
>();

/** Defines `on<type>` getters/setters on `proto` for each event type. */
export function defineEventHandlers(proto: object, types: readonly string[]): void {
  for (const type of types) {
    Object.defineProperty(proto, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: EventTarget): Handler {
        return slots.get(this)?.get(type)?.handler ?? null;
      },
      set(this: EventTarget, value: Handler) {
        let map = slots.get(this);
        if (!map) {
          map = new Map();
          slots.set(this, map);
        }
        const old = map.get(type);
        if (old) this.removeEventListener(type, old.listener);
        if (typeof value !== "function") {
          map.delete(type);
          return;
        }
        const listener: EventListener = (ev) => {
          const r = value.call(this, ev);
          if (r === false) ev.preventDefault();
        };
        map.set(type, { handler: value, listener });
        this.addEventListener(type, listener);
      },
    });
  }
}
