/**
 * The one stylesheet and the one small script, kept as modules so they ship inside dist/ with no
 * copy step. Served from /static with a content hash ETag and a day of caching.
 * The script only enhances: focus the error summary, select the subscribe URL on focus. Every page
 * works without it.
 */
export const APP_CSS = `
:root{--brand:#2c3e50;--ink:#1b1f24;--muted:#4a5560;--line:#d5dbe1;--bg:#f5f6f8;--card:#fff;--ok:#1e6b3a;--err:#a4161a;--warn:#7a4b00;--focus:#1a5fb4;font-family:"DejaVu Sans",system-ui,-apple-system,"Segoe UI",sans-serif;font-size:16px;line-height:1.5;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}
a{color:#174a8b}a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip-link{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}.skip-link:focus{left:1rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.topbar{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between;padding:.6rem 1.5rem;background:var(--brand);color:var(--on-brand,#fff)}
.topbar a,.topbar .link{color:var(--on-brand,#fff)}
.brand{display:flex;align-items:center;gap:.6rem}.brand .cabinet{font-weight:700;font-size:1.1rem}.brand .product{opacity:.85;font-size:.85rem;border-left:1px solid rgba(255,255,255,.5);padding-left:.6rem}
.logo{height:32px;width:auto;background:#fff;border-radius:3px}
.topbar nav ul{display:flex;gap:1.2rem;list-style:none;margin:0;padding:0}
.topbar nav a{text-decoration:none;padding:.3rem 0;border-bottom:2px solid transparent}.topbar nav a[aria-current=page]{border-bottom-color:#fff;font-weight:600}
.account{display:flex;gap:1rem;align-items:center}
main{max-width:72rem;margin:0 auto;padding:1.5rem}
main:focus{outline:none}
h1{font-size:1.6rem;margin:.2rem 0 1rem}h2{font-size:1.2rem;margin:0 0 .8rem}h3{font-size:1.05rem;margin:1rem 0 .5rem}h4{margin:.6rem 0 .3rem}
.lead{color:var(--muted);max-width:48rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:1.2rem 1.4rem;margin-bottom:1.2rem}
.card.narrow{max-width:28rem;margin:2rem auto}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1.2rem;align-items:start}
.columns>.card{margin-bottom:0}.columns{margin-bottom:1.2rem}
.card.wide{grid-column:span 1}
.title-row{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}.title-row h1,.title-row h2{margin-right:auto}
.field{margin-bottom:1rem}
label{display:block;font-weight:600;margin-bottom:.25rem}label.required::after{content:" *";color:var(--err)}
input,select,textarea{font:inherit;width:100%;max-width:32rem;padding:.45rem .6rem;border:1px solid #6b7785;border-radius:4px;background:#fff;color:var(--ink)}
input[type=file]{border:none;padding:0}
.has-error input,.has-error select,.has-error textarea{border:2px solid var(--err)}
.field-error{color:var(--err);font-weight:600;margin:.1rem 0 .3rem}
.hint{color:var(--muted);font-size:.9rem;margin:.1rem 0 .3rem}
.error-summary{border:2px solid var(--err);border-radius:4px;padding:.6rem 1rem;margin-bottom:1rem;background:#fff5f5}.error-summary p{margin:0;font-weight:700;color:var(--err)}
.button{display:inline-block;font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:4px;border:2px solid var(--brand);cursor:pointer;text-decoration:none}
.button.primary{background:var(--brand);color:var(--on-brand,#fff)}.button.secondary{background:#fff;color:var(--brand)}.button.danger{background:#fff;color:var(--err);border-color:var(--err)}
.link{background:none;border:none;font:inherit;text-decoration:underline;cursor:pointer;padding:0}
form.inline{display:inline}
.flash{padding:.7rem 1rem;border-radius:4px;font-weight:600}.flash.ok{background:#e8f4ec;color:var(--ok)}.flash.error{background:#fbeaea;color:var(--err)}
.warning{color:var(--warn);font-weight:600}
.plan-banner{padding:.6rem 1rem;border-radius:4px;background:#fff6e0;color:#5c4400;border-left:4px solid var(--warn)}
table{width:100%;border-collapse:collapse;font-size:.95rem}th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}th{font-weight:700;background:#eef1f4}
.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end;margin-bottom:1rem}.filters .field{margin:0;flex:1 1 12rem}
.pagination{display:flex;justify-content:space-between;align-items:center;margin-top:1rem}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:0 1.2rem}
.meter{margin:.6rem 0}.meter-label{display:flex;justify-content:space-between}.meter meter{width:100%;height:1rem}.meter.at-limit .meter-label{color:var(--err);font-weight:700}
ul.plain{list-style:none;padding:0;margin:0}ul.plain li{padding:.25rem 0}
.deadlines{list-style:none;padding:0;margin:0}.deadlines li{display:grid;grid-template-columns:1fr auto;gap:.1rem 1rem;padding:.5rem 0;border-bottom:1px solid var(--line)}
.deadlines li>a{font-weight:600}.deadlines time{font-weight:600;white-space:nowrap}
.deadlines .what,.deadlines .article{grid-column:1/3}.deadlines .article{color:var(--muted);font-size:.85rem}
.urgency h3{padding-left:.6rem;border-left:5px solid var(--muted)}.urgency.overdue h3{border-color:var(--err);color:var(--err)}.urgency.within48h h3{border-color:#b54700}.urgency.within7d h3{border-color:#8a6d00}
.badge{padding:.15rem .6rem;border-radius:99px;font-size:.85rem;font-weight:700;background:#e8f4ec;color:var(--ok)}.badge.archived{background:#eceff2;color:var(--muted)}
.ref{color:var(--muted);font-weight:400;font-size:1.1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}dl.facts dt{font-weight:600;color:var(--muted)}dl.facts dd{margin:0}
.conditions{list-style:none;padding:0}.conditions li{padding:.2rem 0}.conditions li.met strong{color:var(--ok)}.conditions li.not_met strong{color:var(--err)}.conditions li.unknown strong{color:var(--warn)}
.verdict{font-weight:700}.verdict.strong{color:var(--ok)}
.article{color:var(--muted)}
.fingerprint code{word-break:break-all;font-size:.9rem}
.swatch{display:inline-block;width:1rem;height:1rem;background:var(--brand);vertical-align:middle;border:1px solid var(--line)}
.logo-preview{max-height:48px}
pre.payload{background:#f0f2f4;padding:.8rem;overflow:auto;font-size:.8rem}
.history{padding-left:1.2rem}
.actions{margin-top:1rem}
fieldset{border:1px solid var(--line);border-radius:4px;padding:.6rem 1rem;margin:0 0 1rem}legend{font-weight:600;padding:0 .3rem}
.radios{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem}.radios label{font-weight:400;display:inline-flex;gap:.35rem;align-items:center}.radios input,.check input{width:auto}
.check label{font-weight:400;display:inline-flex;gap:.4rem;align-items:center}
.summary-card{border-left:6px solid var(--brand)}.summary-card .due{font-size:1.15rem;font-weight:700;margin:.2rem 0}.summary-card .left{color:var(--warn);font-weight:700}
details{margin:.6rem 0}details>summary{cursor:pointer;font-weight:600;padding:.3rem 0}
.route-counts{color:var(--muted);font-weight:400;font-size:.9rem}
.changes li{padding:.15rem 0}
@media (prefers-reduced-motion:no-preference){a,.button{transition:background-color .1s}}
/* Pièces (web/pages/casePieces.tsx): label and number side by side, wrapping on a phone. */
.piece-edit{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}.piece-edit input[type=text]{flex:1 1 12rem;min-width:0}.piece-edit input.narrow{width:4.5rem}table.pieces td form.inline{margin:0 .25rem .25rem 0}
.deadline-action-list>li{border-top:1px solid var(--line);padding:.6rem 0}.deadline-action p{margin:.25rem 0}
.deadline-action .actions{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.4rem}.deadline-action .actions form.inline{margin:0}
.deadline-action.is-closed .deadline-status{color:var(--ok);font-weight:600}.deadline-action.is-pending .deadline-status{color:var(--warn);font-weight:600}
.close-form textarea{width:100%;max-width:40rem}.receipt-upload{margin-top:1.2rem;border-top:1px solid var(--line);padding-top:.8rem}
.deadline-section{margin:1rem 0}.deadline-section>h3,.deadline-section>summary h3{font-size:1.1rem;margin:.8rem 0 .4rem}details>summary h3,details>summary h4{display:inline;margin:0}
.deadlines .when{white-space:nowrap}.deadlines .left{color:var(--warn)}.urgency.overdue .left{color:var(--err)}
.urgency h4{padding-left:.6rem;border-left:5px solid var(--muted)}.urgency.overdue h4{border-color:var(--err);color:var(--err)}.urgency.within48h h4{border-color:#b54700}.urgency.within7d h4{border-color:#8a6d00}
.group-pages{margin-top:.4rem;font-size:.9rem}
@media (min-width:60rem){.columns.dashboard{grid-template-columns:minmax(0,2fr) minmax(18rem,1fr)}}
@media (min-width:40rem){.deadline-section .deadlines .what,.deadline-section .deadlines .article{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}}
.filters .check{margin:0;align-self:center}.page-empty{padding:.6rem 0}
.duplicate-warning{border:2px solid var(--warn);border-radius:4px;padding:.6rem 1rem;margin-bottom:1rem;background:#fff6e0}.duplicate-warning h2{color:var(--warn)}
@media (max-width:40rem){
main{padding:1rem .75rem}.topbar{padding:.6rem .75rem}.topbar nav ul{flex-wrap:wrap;gap:.2rem 1rem}.account{flex-wrap:wrap}
.card{padding:.9rem .8rem}.columns{grid-template-columns:minmax(0,1fr)}
.deadlines li{grid-template-columns:minmax(0,1fr)}.deadlines .what,.deadlines .article{grid-column:1}.deadlines .when,.deadlines time{white-space:normal}
.deadlines li>a,.deadlines .what{overflow-wrap:anywhere}
table.cases thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.cases,table.cases tbody,table.cases tr,table.cases td{display:block;width:100%}
table.cases tr{border-bottom:2px solid var(--line);padding:.3rem 0}table.cases td{border:none;padding:.1rem 0;overflow-wrap:anywhere}
table.cases td[data-label]::before{content:attr(data-label) " : ";font-weight:600;color:var(--muted)}
}
/* The unread-reminders badge in the menu (docs/reminders.md): warning colours, beside the link's text. */
.badge.unread{margin-left:.35rem;background:#fff3cd;color:#6b4e00}
.subnav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;margin:0 0 1rem}.subnav a[aria-current=page]{font-weight:700;text-decoration:none;color:var(--text,inherit)}
.admin-cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}.admin-cards .card{margin:0}
dl.facts dd{overflow-wrap:anywhere;min-width:0}.shown-once code{font-size:1.05rem;overflow-wrap:anywhere}
.table-scroll{overflow-x:auto;max-width:100%;position:relative}.row-actions{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center}.row-actions select{width:auto}
.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.6rem 1rem;align-items:end}
.pager{display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
.topbar nav ul{flex-wrap:wrap;row-gap:.3rem}
/* The second factor (docs/second-factor.md): the QR code on white whatever the theme (apps need the contrast), at most 16rem wide; the secret and the recovery codes in a monospace face, wrapping on a phone. */
.qr-code{background:#fff;padding:.5rem;display:inline-block;max-width:16rem;width:100%}.qr-code svg{display:block;width:100%;height:auto}
code.totp-secret{font-size:1.05rem;letter-spacing:.05em;overflow-wrap:anywhere}ol.recovery-codes{columns:2 12rem;font-size:1.05rem;padding-left:2rem}ol.recovery-codes code{white-space:nowrap}
/* Single sign-on on the login page: the provider's button as wide as the form, above it. */
#sso-redirect-uri{overflow-wrap:anywhere}.sso{margin-bottom:1rem;padding-bottom:.5rem;border-bottom:1px solid #ddd}.sso .button{display:block;text-align:center}
`;

export const APP_JS = `'use strict';
document.addEventListener('DOMContentLoaded', function () {
  var summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();
  var copy = document.querySelectorAll('input.copy');
  for (var i = 0; i < copy.length; i++) copy[i].addEventListener('focus', function (e) { e.target.select(); });
  // A group shown only for one answer (the letter's dates for "lettre recommandée"); without the
  // script it stays visible and the server ignores it for the other answers.
  var shown = document.querySelectorAll('[data-shown-when]');
  for (var j = 0; j < shown.length; j++) (function (group) {
    var rule = group.getAttribute('data-shown-when').split('=');
    var input = document.querySelector('[name="' + rule[0] + '"]');
    if (!input) return;
    var sync = function () { group.hidden = input.value !== rule[1]; };
    input.addEventListener('change', sync);
    sync();
  })(shown[j]);
});
`;

/** The cabinet's colour as a stylesheet, so pages need no inline style under the CSP. */
export function brandCss(color: string): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) return '';
  return `:root{--brand:${color};--on-brand:${onColor(color)}}\n`;
}

/** White or near-black text, whichever contrasts more with the brand colour (WCAG relative luminance). */
export function onColor(color: string): string {
  const channel = (i: number) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#1b1f24';
}
