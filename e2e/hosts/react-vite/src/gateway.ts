import type { KeywatchTokenProvider } from "keywatch";

/** The gateway: `?gateway=URL`, or this page's own origin. */
export const gateway = new URL(new URLSearchParams(location.search).get("gateway") ?? "/", location.href);

/** The console's back end would hold these; here the demo gateway signs in. */
export const tokenProvider: KeywatchTokenProvider = async (system) => {
  const json = (path: string, body: object) =>
    fetch(new URL(path, gateway), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  if (system === "gklm") {
    return (await json("SKLM/rest/v1/ckms/login", { userid: "kwdemo", password: "kwdemo" })).UserAuthId;
  }
  return (await json("api/v1/auth/tokens", { grant_type: "password", username: "kwdemo", password: "kwdemo" })).jwt;
};
