/**
 * Markup that has no business inside rendered chat text: elements that load or run something,
 * event-handler attributes, and script-bearing URLs.
 *
 * Runs inside the page (Playwright sends its source), so it must stay self-contained.
 */
export function findActiveContent(root: Element): string[] {
  const bannedTags = [
    'script',
    'iframe',
    'frame',
    'frameset',
    'img',
    'image',
    'object',
    'embed',
    'link',
    'meta',
    'style',
    'base',
    'form',
    'input',
    'textarea',
    'select',
    'video',
    'audio',
    'source',
    'math',
    'details',
    'marquee',
    'noscript',
    'body',
    'template',
    'animate',
    'set',
    'foreignobject',
  ];
  const findings: string[] = [];
  for (const element of Array.from(root.querySelectorAll('*'))) {
    const tag = element.tagName.toLowerCase();
    if (bannedTags.includes(tag)) findings.push(`<${tag}>`);
    // The app's own icons are decorative SVGs; anything else is not ours.
    if (tag === 'svg' && element.getAttribute('aria-hidden') !== 'true') {
      findings.push('<svg> that is not a decorative icon');
    }
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/\s+/g, '').toLowerCase();
      if (name.startsWith('on') || name === 'srcdoc' || name === 'formaction') {
        findings.push(`<${tag} ${name}>`);
      } else if (/^(javascript|vbscript|data):/.test(value)) {
        findings.push(`<${tag} ${name}="${attribute.value}">`);
      }
    }
  }
  return findings;
}
