// exceljs ships no types for its table of built-in number formats: the shape xlsx.ts uses
declare module 'exceljs/lib/xlsx/defaultnumformats.js' {
	const formats: Record<number, { f?: string; [locale: string]: string | undefined }>;
	export default formats;
}
