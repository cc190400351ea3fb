import type { PassInput } from '@passmint/engine';
import type { ShopTemplate } from './shop-template';

/** The shop's colours and logo, as every pass of the shop carries them. */
export function branding(template: ShopTemplate): Pick<PassInput, 'colorPreset' | 'color' | 'logoURL'> {
  return {
    ...(template.colorPreset ? { colorPreset: template.colorPreset } : {}),
    ...(template.color ? { color: template.color } : {}),
    ...(template.logoURL ? { logoURL: template.logoURL } : {}),
  };
}

/** Cuts text to at most `max` characters (code points, as the schema counts), marking the cut. */
export function clip(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}
