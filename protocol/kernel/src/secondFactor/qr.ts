/**
 * The enrolment QR code as inline SVG: no image request to serve, nothing for the page's
 * Content-Security-Policy to allow, and it stays sharp at any zoom.
 */
import QRCode from 'qrcode';

export async function totpQrSvg(uri: string): Promise<string> {
  // Error correction M (15 %): the usual for otpauth URIs, scans from a screen at a small size.
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  // The qrcode package writes only <svg>, <path> and attributes; checked so that a future version
  // can never slip a script into a page that inlines this markup.
  if (/<script|on\w+=/i.test(svg)) throw new Error('QR code SVG carries active content');
  return svg;
}
