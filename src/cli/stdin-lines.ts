/**
 * Lines of a byte stream as Buffers, a chunk's worth at a time: piping a million lines costs one
 * array per chunk, not one string and one callback per line. Lines end at \n, \r\n or \r as Java's
 * BufferedReader.readLine ends them; a final line without a newline still counts.
 */
export async function* lineBatches(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer[]> {
  let carry: Buffer | null = null;
  let skipLeadingLf = false;
  for await (const piece of stream) {
    let chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (skipLeadingLf && chunk.length > 0) {
      if (chunk[0] === 0x0a) chunk = chunk.subarray(1);
      skipLeadingLf = false;
    }
    const lines: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== 0x0a && b !== 0x0d) continue;
      let line = chunk.subarray(start, i);
      if (carry) {
        line = Buffer.concat([carry, line]);
        carry = null;
      }
      lines.push(line);
      if (b === 0x0d) {
        if (i + 1 < chunk.length) {
          if (chunk[i + 1] === 0x0a) i++;
        } else {
          skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    if (start < chunk.length) carry = carry ? Buffer.concat([carry, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (carry && carry.length > 0) yield [carry];
}
