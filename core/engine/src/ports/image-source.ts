/**
 * Where the engine gets the bytes of a pass image. `source` is what the body gave: an HTTPS URL
 * or a PNG data URI. The server's implementation fetches URLs safely, keeps every image under its
 * content hash and serves it back; it throws a PassmintError (e.g. `image_url_forbidden`) when it
 * can't, which the engine reports against the body field that named the image.
 */
export interface ImageSource {
  resolve(source: string): Promise<Buffer>;
}
