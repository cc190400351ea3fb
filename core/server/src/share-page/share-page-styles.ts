/** The share page's stylesheet, served at /assets/share.css (per-pass colours come as CSS variables). */
export const SHARE_PAGE_CSS = `:root { color-scheme: light; font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; background: #f2f3f5; color: #1c1c1e; display: flex; flex-direction: column; align-items: center; padding: 24px 16px; }
main { width: 100%; max-width: 420px; }
.pass { background: var(--pass-background); color: var(--pass-foreground); border-radius: 16px; padding: 18px 20px 22px; box-shadow: 0 8px 24px rgba(0, 0, 0, 0.18); }
.pass-top { display: flex; align-items: center; gap: 12px; min-height: 44px; }
.pass-top img { max-height: 44px; max-width: 140px; }
.logo-text { font-size: 1.1rem; font-weight: 600; flex: 1; }
.header-field { text-align: right; }
.label { color: var(--pass-label); font-size: 0.72rem; letter-spacing: 0.04em; text-transform: uppercase; margin: 0; }
.value { margin: 2px 0 0; font-size: 1rem; overflow-wrap: anywhere; }
.primary { margin: 22px 0 16px; }
.primary .value { font-size: 1.9rem; font-weight: 300; }
.fields { display: flex; flex-wrap: wrap; gap: 12px 24px; margin: 0; }
.fields div { min-width: 30%; }
.fields dd { margin: 0; }
.strip { width: 100%; margin: 14px 0 0; border-radius: 6px; }
.status { margin: 20px 0 0; padding: 14px 16px; border-radius: 12px; background: #fff4e5; color: #7a4100; font-weight: 600; text-align: center; }
.actions { display: flex; flex-direction: column; gap: 12px; margin: 24px 0 0; }
.button { display: block; text-align: center; padding: 14px 18px; border-radius: 12px; font-weight: 600; font-size: 1rem; text-decoration: none; }
.button:focus-visible { outline: 3px solid #0a84ff; outline-offset: 2px; }
.apple { background: #000; color: #fff; }
.google { background: #1f1f1f; color: #fff; }
.secondary { background: #fff; color: #1c1c1e; border: 1px solid #c7c7cc; }
.qr { margin: 24px auto 0; text-align: center; }
.qr svg { width: 200px; height: 200px; background: #fff; padding: 8px; border-radius: 8px; }
.qr p { margin: 8px 0 0; color: #48484a; font-size: 0.9rem; }
footer { margin-top: 28px; color: #6e6e73; font-size: 0.8rem; }
`;
