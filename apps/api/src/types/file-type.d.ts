/**
 * file-type ships ESM with types for ESM resolution only; this is the part the API uses,
 * visible to the CommonJS build (which loads it with import(): require(esm) on Node 20.19+).
 */
declare module 'file-type' {
  export interface FileTypeResult {
    ext: string;
    mime: string;
  }
  export function fileTypeFromBuffer(buffer: Uint8Array): Promise<FileTypeResult | undefined>;
}
