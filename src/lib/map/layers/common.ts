// What every layer module shares: the label fonts and the tile contract's names.
import type { TileLayer } from '$lib/domain/tile-contract';

export const FONT_STACK = ['Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', 'sans-serif'];

/** A source layer's name, checked against the tile contract. */
export const sourceLayer = (name: TileLayer): TileLayer => name;
