/**
 * The figure objects the builders return: plotly's own {data, layout} shape, plain JSON, so that show(),
 * writeHtml() and writeImage() (and plotly in any page) can draw them. Sizes are shown in MiB, times in ms.
 */
export interface Trace {
  type: string;
  name?: string;
  x?: Array<number | string>;
  y?: Array<number | string>;
  [attribute: string]: unknown;
}

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

export const BYTES_PER_MIB = 2 ** 20;

export function toMiB(bytes: number): number {
  return bytes / BYTES_PER_MIB;
}

/** plotly's default colour cycle, so that traces of one series can share a colour across axes. */
export const COLORS = [
  '#636efa', '#EF553B', '#00cc96', '#ab63fa', '#FFA15A', '#19d3f3', '#FF6692', '#B6E880', '#FF97FF', '#FECB52',
];

export function colorAt(index: number): string {
  return COLORS[index % COLORS.length];
}

/** A layout with the toolkit's defaults (white template, legend on top) and the given fields. */
export function baseLayout(title: string | undefined, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    template: 'plotly_white',
    ...(title ? { title: { text: title } } : {}),
    legend: { orientation: 'h', y: -0.2 },
    margin: { t: title ? 60 : 30, r: 30, b: 60, l: 70 },
    ...fields,
  };
}

export function axisTitle(text: string): { title: { text: string } } {
  return { title: { text } };
}
