/**
 * The dashboard's one stylesheet, kept as a module so it ships inside dist/ with no copy step.
 * There is no script: every page (filters, pagination, forms) works with plain links and forms.
 * Status colours keep a 4.5:1 contrast on white (WCAG 1.4.3) and every status is also written.
 */
export const DASHBOARD_CSS = `
:root{--ink:#16202a;--muted:#4d5966;--line:#d3d9df;--bg:#f3f5f7;--panel:#fff;--brand:#123b5c;--link:#0f4c8a;--focus:#1a5fb4;
--healthy:#1d6b35;--pending:#35556e;--warning:#8a4b00;--critical:#a3151b;--stale:#5a4a8a;--offline:#3d4650;
font-family:"DejaVu Sans",system-ui,sans-serif;font-size:15px;line-height:1.45;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}a{color:var(--link)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.4rem .8rem}.skip:focus{left:.5rem;z-index:5}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
header.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 2rem;padding:.5rem 1.5rem;background:var(--brand);color:#fff}
header.bar a,header.bar button.as-link{color:#fff}
.product{font-weight:700;font-size:1.05rem;margin-right:auto}
header.bar nav ul{display:flex;flex-wrap:wrap;gap:1.2rem;list-style:none;margin:0;padding:0}
header.bar nav a{text-decoration:none;border-bottom:2px solid transparent;padding:.2rem 0}header.bar nav a[aria-current=page]{border-bottom-color:#fff;font-weight:700}
.who{display:flex;gap:.8rem;align-items:center;font-size:.9rem}
.role{border:1px solid rgba(255,255,255,.7);border-radius:99px;padding:0 .5rem}
main{max-width:80rem;margin:0 auto;padding:1.2rem 1.5rem}main:focus{outline:none}
h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:0 0 .7rem}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:1rem 1.2rem;margin-bottom:1rem}
.panel.narrow{max-width:26rem;margin:3rem auto}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem;margin-bottom:1rem}.grid>.panel{margin:0}
label{display:block;font-weight:600;margin-bottom:.2rem}
input,select{font:inherit;padding:.35rem .5rem;border:1px solid #67727e;border-radius:4px;background:#fff;color:var(--ink);max-width:100%}
input[type=email],input[type=password],input[type=text]{width:100%}
.field{margin-bottom:.8rem}.hint{color:var(--muted);font-size:.85rem;margin:.1rem 0}
.errors{border:2px solid var(--critical);border-radius:4px;padding:.5rem .8rem;margin-bottom:.8rem;color:var(--critical);font-weight:600}
.button{font:inherit;font-weight:600;padding:.4rem .9rem;border-radius:4px;border:2px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
.button.secondary{background:#fff;color:var(--brand)}
button.as-link{background:none;border:0;font:inherit;text-decoration:underline;cursor:pointer;padding:0}
form.inline{display:inline}
.filters{display:flex;flex-wrap:wrap;gap:.8rem 1.2rem;align-items:flex-end;margin-bottom:.8rem}.filters .field{margin:0}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:0 0 .8rem}
.counts a{display:inline-block;padding:.2rem .6rem;border:1px solid var(--line);border-radius:99px;background:#fff;text-decoration:none}
.counts a[aria-current=true]{border-color:var(--ink);font-weight:700}
table{width:100%;border-collapse:collapse;font-size:.9rem;background:#fff}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}th{background:#e9edf1}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
th a{color:var(--ink)}
.status{display:inline-block;font-weight:700;padding:0 .5rem;border-radius:99px;border:2px solid currentColor;white-space:nowrap}
.status.healthy{color:var(--healthy)}.status.pending{color:var(--pending)}.status.warning{color:var(--warning)}.status.critical{color:var(--critical)}.status.stale{color:var(--stale)}.status.offline{color:var(--offline)}
.reasons{margin:.2rem 0 0;padding-left:1rem;font-size:.82rem;color:var(--muted)}
.over{color:var(--critical);font-weight:700}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:.8rem}
.flash{padding:.6rem .9rem;border-radius:4px;font-weight:600;margin-bottom:1rem}.flash.ok{background:#e6f2ea;color:var(--healthy)}.flash.error{background:#fbe9ea;color:var(--critical)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dl.facts dt{font-weight:600;color:var(--muted)}dl.facts dd{margin:0}
code.secret{font-size:1.1rem;padding:.2rem .4rem;background:#eef1f4;border:1px solid var(--line);word-break:break-all}
input.short{width:10rem}
fieldset{border:1px solid var(--line);border-radius:4px;margin:0 0 .8rem;padding:.5rem .8rem}legend{font-weight:600;padding:0 .3rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(30rem,1fr));gap:1rem}
figure.chart{margin:0 0 1rem}figure.chart figcaption{font-weight:600;margin-bottom:.3rem}figure.chart svg{width:100%;height:auto;display:block}
.empty{color:var(--muted)}
ul.plain{list-style:none;margin:0;padding:0}
form.close-month,form.confirmed{display:flex;flex-wrap:wrap;gap:.4rem .6rem;align-items:center;margin:0}form.close-month label.inline-label,form.confirmed label.inline-label{display:inline;font-weight:400;font-size:.85rem;max-width:22rem;margin:0}
dl.facts.big dd{font-size:1.3rem;font-weight:700}
h3{font-size:1rem;margin:1rem 0 .5rem}
tfoot th,tfoot td{border-bottom:0}
article.draft{border-top:1px solid var(--line);padding-top:.4rem;margin-top:.8rem}ul.warnings{color:var(--warning);font-size:.88rem;padding-left:1.2rem}label.inline-label{display:inline;font-weight:400}fieldset input[type=radio]{margin:0 .4rem .3rem 0}
div.qr{width:200px;height:200px;margin:.5rem 0;background:#fff}div.qr svg{width:100%;height:100%}ul.recovery-codes{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.4rem}ul.recovery-codes code.secret{white-space:nowrap;word-break:normal;font-size:1rem}span.typed-secret code.secret{word-break:normal}
`;
