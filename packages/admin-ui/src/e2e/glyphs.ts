/** What Chromium actually draws for a piece of text: used to tell real CJK glyphs from .notdef boxes. */
import type { Locator } from "playwright-core";

/** A character as drawn: how many pixels it inked, and a hash of its image. */
export interface GlyphPrint {
  ink: number;
  hash: number;
}

/** The distinct Han characters of the text inside `scope`, in order of appearance. */
export async function hanCharacters(scope: Locator): Promise<string[]> {
  const text = await scope.innerText();
  return [...new Set(text.match(/\p{Script=Han}/gu) ?? [])];
}

/**
 * Draws each of `chars` on a canvas in the font family and weight `element` is shown in (so the
 * browser's font fallback is the page's), at 32 px, and fingerprints the pixels.
 */
export function glyphPrints(element: Locator, chars: string[]): Promise<GlyphPrint[]> {
  return element.evaluate((el, list) => {
    const style = getComputedStyle(el);
    const canvas = document.createElement("canvas");
    canvas.width = 48;
    canvas.height = 48;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) throw new Error("no 2d canvas");
    ctx.font = `${style.fontWeight} 32px ${style.fontFamily}`;
    ctx.textBaseline = "top";
    return list.map((char) => {
      ctx.clearRect(0, 0, 48, 48);
      ctx.fillText(char, 8, 8);
      const pixels = ctx.getImageData(0, 0, 48, 48).data;
      let ink = 0;
      let hash = 0x811c9dc5; // FNV-1a over the alpha channel
      for (let i = 3; i < pixels.length; i += 4) {
        const alpha = pixels[i] ?? 0;
        if (alpha > 0) ink++;
        hash = Math.imul(hash ^ alpha, 0x01000193) >>> 0;
      }
      return { ink, hash };
    });
  }, chars);
}
