/** `on<event>` attributes (HTML "event handler IDL attributes") over the native EventTarget. */

/** The DOM `EventInit` dictionary (Node has no lib.dom). */
export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

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
