// The <keywatch-panel> element. A custom element must be a JavaScript class;
// this one only holds what the host set and tells Rust (src/embed/element.rs)
// when it is connected, changed or removed.

const KEYS = [
  "gklmUrl", "cckmUrl", "gklmAuthId", "cckmToken", "language",
  "pollSeconds", "timeoutMs", "cards", "theme", "backupMaxAgeHours", "cckmDomain",
];
const attribute = (key) => key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

export function defineElement(name, hooks) {
  if (customElements.get(name)) return;

  class KeywatchPanelElement extends HTMLElement {
    static get observedAttributes() {
      return [...KEYS.map(attribute), "view-in-address"];
    }

    constructor() {
      super();
      this._set = {};
      // Properties set before the element was defined are taken over.
      for (const key of [...KEYS, "tokenProvider"]) {
        if (Object.prototype.hasOwnProperty.call(this, key)) {
          const value = this[key];
          delete this[key];
          this._set[key] = value;
        }
      }
    }

    connectedCallback() { hooks.connected(this); }
    disconnectedCallback() { hooks.disconnected(this); }
    attributeChangedCallback() { hooks.changed(this); }

    /** The configuration: properties over attributes. */
    keywatchConfig() {
      const config = {};
      for (const key of KEYS) {
        if (this._set[key] !== undefined && this._set[key] !== null) config[key] = this._set[key];
        else if (this.hasAttribute(attribute(key))) config[key] = this.getAttribute(attribute(key));
      }
      if (this._set.tokenProvider) config.tokenProvider = this._set.tokenProvider;
      return config;
    }

    /** Checks every card now. */
    refresh() { hooks.refresh(this); }

    get viewInAddress() { return this.hasAttribute("view-in-address"); }
    set viewInAddress(on) { this.toggleAttribute("view-in-address", Boolean(on)); }
  }

  for (const key of [...KEYS, "tokenProvider"]) {
    Object.defineProperty(KeywatchPanelElement.prototype, key, {
      get() {
        if (this._set[key] !== undefined) return this._set[key];
        return key === "tokenProvider" ? undefined : this.getAttribute(attribute(key)) ?? undefined;
      },
      set(value) {
        this._set[key] = value;
        hooks.changed(this);
      },
      enumerable: true,
    });
  }

  customElements.define(name, KeywatchPanelElement);
}
