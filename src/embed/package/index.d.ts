// Types of the keywatch package: written by hand, in this one file. The
// configuration's keys are tied to the ones the panel reads (src/config.rs
// KEYS) by a test.

/** A card the panel can show. */
export type KeywatchCard =
  | "lastBackup"
  | "backupActivity"
  | "restore"
  | "notifications"
  | "cluster"
  | "syncJobs";

/** The server a credential is for: GKLM or CipherTrust Manager. */
export type KeywatchSystem = "gklm" | "cckm";

/**
 * The host's source of credentials: asked at start, after a server refuses
 * the credential it gave, and before a CipherTrust token expires.
 */
export type KeywatchTokenProvider = (system: KeywatchSystem) => string | Promise<string>;

/**
 * The panel's configuration: the same keys for `mount()`, the element's
 * properties and `config.json` (attributes take them in kebab-case).
 * Numbers may also come as text, as attributes give them.
 */
export interface KeywatchConfig {
  /** GKLM REST base, up to and including `/rest/v1`; without it the GKLM cards are not shown. */
  gklmUrl?: string | null;
  /** CipherTrust Manager API base, up to and including `/api/v1`; without it the sync jobs are not shown. */
  cckmUrl?: string | null;
  /** A GKLM session (`userAuthId`) the host already holds. */
  gklmAuthId?: string | null;
  /** A CipherTrust Manager token (JWT) the host already holds. */
  cckmToken?: string | null;
  language?: "en" | "de" | null;
  /** Seconds between checks, 2–3600 (default 15). */
  pollSeconds?: number | string | null;
  /** Per-request timeout in milliseconds, 500–120000 (default 10000). */
  timeoutMs?: number | string | null;
  /** Which cards, in order: a list, or one comma-separated string. */
  cards?: KeywatchCard[] | string | null;
  theme?: "light" | "dark" | "auto" | null;
  /** Hours after which the last backup is too old, 1–8760 (default 24). */
  backupMaxAgeHours?: number | string | null;
  /** The CipherTrust Manager domain the sign-in form offers; empty is the root domain. */
  cckmDomain?: string | null;
  /** Asked for a credential before any sign-in form is shown. */
  tokenProvider?: KeywatchTokenProvider | null;
}

/** A CipherTrust job source's key, as in `syncJobsFailedBySource`. */
export type KeywatchJobSource =
  | "aws"
  | "aws-custom-key-stores"
  | "azure"
  | "azure-secrets"
  | "azure-certificates"
  | "google"
  | "oci"
  | "sfdc"
  | "sap";

/** `keywatch-status`'s detail: `null` where not known. */
export interface KeywatchStatus {
  backupResult: "succeeded" | "failed" | "succeeded-with-warning" | "not-run" | "unrecognised" | null;
  /** When GKLM says the last backup was made (ISO 8601). */
  lastBackupAt: string | null;
  backupAgeHours: number | null;
  backupRunning: boolean | null;
  /** GKLM's restore phase code. */
  restorePhase: string | null;
  restoreState: "idle" | "running" | "completed" | "unrecognised" | null;
  /** GKLM masters that cannot be reached. */
  clusterNodesDown: number | null;
  syncJobsFailed: number | null;
  syncJobsInProgress: number | null;
  /** Each source's failed jobs; `null` for a source the server does not have. */
  syncJobsFailedBySource: Partial<Record<KeywatchJobSource, number | null>> | null;
}

/** `keywatch-auth-required`'s detail: a sign-in form appeared. */
export interface KeywatchAuthRequired {
  system: KeywatchSystem;
}

/** `keywatch-error`'s detail: a sentence that says what to fix. */
export interface KeywatchError {
  message: string;
}

export interface KeywatchEventMap {
  "keywatch-status": CustomEvent<KeywatchStatus>;
  "keywatch-auth-required": CustomEvent<KeywatchAuthRequired>;
  "keywatch-error": CustomEvent<KeywatchError>;
}

/** A handle on a panel `mount()` made. The panel lives while its element is in the page, whether or not the handle is kept. */
export declare class KeywatchPanel {
  private constructor();
  /** Applies a new configuration, keeping the panel's state; `false` (and a `keywatch-error`) when refused. */
  update(config: KeywatchConfig | string): boolean;
  /** Checks every card now. */
  refresh(): void;
  /** Ends the panel: polling stops, requests are aborted, a GKLM session it signed in for is ended. */
  destroy(): void;
  /** Whether the panel still runs. */
  readonly running: boolean;
  /** Releases this handle only; the panel keeps running. */
  free(): void;
}

/** What `init()` takes: where the wasm is, or the module itself. */
export interface KeywatchInitOptions {
  module_or_path?: string | URL | Request | Response | BufferSource | WebAssembly.Module | Promise<Response>;
}

/** Loads the wasm (once), then starts every `<keywatch-panel>` on the page. */
export default function init(options?: KeywatchInitOptions): Promise<unknown>;
export { init };

/** Mounts a panel into `element`'s shadow root. Throws a sentence when the configuration is wrong, or before `init()` is done. */
export function mount(element: Element, config: KeywatchConfig | string): KeywatchPanel;
/** As `mount`, for a page that is the panel's own: the sync-job view lives in the address. */
export function mountPage(element: Element, config: KeywatchConfig | string): KeywatchPanel;
/** How many panels run on the page. */
export function mountedPanels(): number;

/** `<keywatch-panel>`: configured by properties (or kebab-case attributes). */
export interface KeywatchPanelElement extends HTMLElement, KeywatchConfig {
  /** Checks every card now. */
  refresh(): void;
  /** Keep the sync-job view in the page's address. */
  viewInAddress: boolean;
  addEventListener<K extends keyof KeywatchEventMap>(
    type: K,
    listener: (this: KeywatchPanelElement, event: KeywatchEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: KeywatchPanelElement, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof KeywatchEventMap>(
    type: K,
    listener: (this: KeywatchPanelElement, event: KeywatchEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: KeywatchPanelElement, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "keywatch-panel": KeywatchPanelElement;
  }
  // The events bubble out of the panel (composed), so any element hears them.
  interface HTMLElementEventMap extends KeywatchEventMap {}
}

/** What React 19 takes on `<keywatch-panel>`: properties, and `on<event>` handlers. */
export type KeywatchPanelJsxProps = KeywatchConfig & {
  id?: string;
  class?: string;
  className?: string;
  style?: unknown;
  slot?: string;
  hidden?: boolean;
  ref?: unknown;
  key?: string | number | bigint | null;
  viewInAddress?: boolean;
  "view-in-address"?: boolean | "";
  "gklm-url"?: string;
  "cckm-url"?: string;
  "poll-seconds"?: number | string;
  "timeout-ms"?: number | string;
  "backup-max-age-hours"?: number | string;
  "cckm-domain"?: string;
  "onkeywatch-status"?: (event: CustomEvent<KeywatchStatus>) => void;
  "onkeywatch-auth-required"?: (event: CustomEvent<KeywatchAuthRequired>) => void;
  "onkeywatch-error"?: (event: CustomEvent<KeywatchError>) => void;
};

// React 19 reads intrinsic elements from its own JSX namespace.
declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "keywatch-panel": KeywatchPanelJsxProps;
    }
  }
}
