/**
 * Thirty messages that would run script if the app rendered them as HTML (or as an Angular
 * template, or turned URLs into links). Each one, if it ran, sets `window.__xss` or opens a
 * dialog. Single spaces only, so Playwright's whitespace-normalised text match is exact.
 */
export const XSS_PAYLOADS: readonly string[] = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=2">',
  '<svg onload=window.__xss=3>',
  '<a href="javascript:window.__xss=4">click me</a>',
  '"><script>window.__xss=5</script>',
  `'><img src=x onerror=alert(6)>`,
  '<iframe srcdoc="<script>parent.__xss=7</script>"></iframe>',
  '<body onload=window.__xss=8>',
  '<svg><script>window.__xss=9</script></svg>',
  '<details open ontoggle="window.__xss=10">',
  '<input autofocus onfocus="window.__xss=11">',
  '<video><source onerror="window.__xss=12"></video>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=13>',
  '<iframe src="javascript:parent.__xss=14"></iframe>',
  '<object data="javascript:window.__xss=15"></object>',
  '<embed src="javascript:window.__xss=16">',
  '<form><button formaction="javascript:window.__xss=17">go</button></form>',
  '<svg><a xlink:href="javascript:window.__xss=18"><text x="20" y="20">tap</text></a></svg>',
  '<svg><animate onbegin="window.__xss=19" attributeName="x" dur="1s">',
  '<marquee onstart="window.__xss=20">hi</marquee>',
  "{{constructor.constructor('window.__xss=21')()}}",
  'javascript:window.__xss=22',
  '<scr<script>ipt>window.__xss=23</scr</script>ipt>',
  '<IMG SRC=JaVaScRiPt:window.__xss=24>',
  '&lt;script&gt;window.__xss=25&lt;/script&gt;',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=26">',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgyNyk8L3NjcmlwdD4=">data link</a>',
  '<noscript><p title="</noscript><img src=x onerror=alert(28)>">',
  '<div style="background:url(javascript:window.__xss=29)" onmouseover="window.__xss=29">x</div>',
  '<template><script>window.__xss=30</script></template><style>body{display:none}</style>',
];

/** A display name that is itself markup, shown in the chat list, the heading and the log. */
export const XSS_FULL_NAME = '"><img src=x onerror="window.__xss=\'name\'">';
