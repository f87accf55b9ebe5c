import QRCode from 'qrcode';

/**
 * Renders text (an otpauth:// URI) as an inline SVG QR code, locally: the secret never leaves the server for
 * a third-party QR service. The markup comes from our own library, and is checked to hold nothing but SVG
 * shapes (no script, no style attribute, which the CSP would refuse anyway).
 */
export async function renderQrSvg(text: string): Promise<string> {
  const svg = (await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })).trim();
  if (!svg.startsWith('<svg') || /<script|\son\w+=|\sstyle=|<foreignObject/i.test(svg)) {
    throw new Error('Unexpected QR code markup');
  }
  return svg.replace(/^<svg/, '<svg aria-hidden="true" focusable="false"');
}
