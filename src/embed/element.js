// The <keywatch-panel> element. A custom element must be a JavaScript class;
// this one only holds what the host set and tells Rust (src/embed/element.rs)
// when it is connected, changed or removed.
//
// It is defined when this module is imported, before the wasm is loaded, so
// that a framework rendering early sets properties, not lowercased
// attributes. Elements connected before then start once the wasm attaches
// its hooks (`attachElement`, called from Rust at init).

const TAG = "keywatch-panel";
const KEYS = [
  "gklmUrl", "cckmUrl", "gklmAuthId", "cckmToken", "language",
  "pollSeconds", "timeoutMs", "cards", "theme", "backupMaxAgeHours", "cckmDomain",
];
const attribute = (key) => key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
// An attribute set by a key's own name (React before the element was
// defined, or by hand) arrives lowercased: `cckmurl` is `cckmUrl`.
const bare = (key) => key.toLowerCase();

const Base = typeof HTMLElement === "undefined" ? class {} : HTMLElement;

class KeywatchPanelElement extends Base {
  static get observedAttributes() {
    return [...KEYS.map(attribute), ...KEYS.map(bare).filter((a) => !KEYS.map(attribute).includes(a)), "view-in-address"];
  }

  /** Set by the wasm at init; until then elements wait in `waiting`. */
  static hooks = null;
  static waiting = new Set();

  constructor() {
    super();
    this._set = {};
    // Properties set before the element was upgraded are taken over.
    for (const key of [...KEYS, "tokenProvider"]) {
      if (Object.prototype.hasOwnProperty.call(this, key)) {
        const value = this[key];
        delete this[key];
        this._set[key] = value;
      }
    }
  }

  connectedCallback() {
    const hooks = KeywatchPanelElement.hooks;
    if (hooks) hooks.connected(this);
    else KeywatchPanelElement.waiting.add(this);
  }
  disconnectedCallback() {
    const hooks = KeywatchPanelElement.hooks;
    if (hooks) hooks.disconnected(this);
    else KeywatchPanelElement.waiting.delete(this);
  }
  attributeChangedCallback() { KeywatchPanelElement.hooks?.changed(this); }

  /** The configuration: properties over attributes. */
  keywatchConfig() {
    const config = {};
    for (const key of KEYS) {
      const named = this.hasAttribute(attribute(key)) ? attribute(key) : bare(key);
      if (this._set[key] !== undefined && this._set[key] !== null) config[key] = this._set[key];
      else if (this.hasAttribute(named)) config[key] = this.getAttribute(named);
    }
    if (this._set.tokenProvider) config.tokenProvider = this._set.tokenProvider;
    return config;
  }

  /** Checks every card now. */
  refresh() { KeywatchPanelElement.hooks?.refresh(this); }

  get viewInAddress() { return this.hasAttribute("view-in-address"); }
  set viewInAddress(on) { this.toggleAttribute("view-in-address", Boolean(on)); }
}

for (const key of [...KEYS, "tokenProvider"]) {
  Object.defineProperty(KeywatchPanelElement.prototype, key, {
    get() {
      if (this._set[key] !== undefined) return this._set[key];
      if (key === "tokenProvider") return undefined;
      return this.getAttribute(attribute(key)) ?? this.getAttribute(bare(key)) ?? undefined;
    },
    set(value) {
      this._set[key] = value;
      KeywatchPanelElement.hooks?.changed(this);
    },
    enumerable: true,
  });
}

if (typeof customElements !== "undefined" && !customElements.get(TAG)) {
  customElements.define(TAG, KeywatchPanelElement);
}

/** The wasm is ready: the element's work is Rust's from now on. */
export function attachElement(hooks) {
  // Another copy of this module may have defined the element first.
  const defined = typeof customElements === "undefined" ? null : customElements.get(TAG);
  const element = defined && "waiting" in defined ? defined : KeywatchPanelElement;
  if (element.hooks) return;
  element.hooks = hooks;
  for (const el of element.waiting) {
    if (el.isConnected) hooks.connected(el);
  }
  element.waiting.clear();
}
