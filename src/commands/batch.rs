//! `--batch`: one input per line on standard input, one JSON object per line on standard output,
//! in input order, one output line for every input line.
//!
//! Input is read in chunks of at most [`CHUNK_LINES`] lines and [`CHUNK_BYTES`] bytes, so memory
//! stays bounded however long the stream is. Each chunk is cut into one piece per thread; the
//! pieces are processed on scoped threads, each into its worker's own buffers, and the buffers are
//! then handed to `emit` in order. The workers keep their buffers from chunk to chunk.

use std::io::{self, BufRead, Write};
use std::ops::Range;

use anyhow::Context as _;
use serde::Serialize;

use crate::jwt::json::write_str;

/// Lines per chunk: enough to amortize starting the threads (a few tens of microseconds) over
/// milliseconds of work, few enough to start printing early.
pub const CHUNK_LINES: usize = 4096;
/// Bytes of input per chunk, at most (plus one line).
pub const CHUNK_BYTES: usize = 4 << 20;
/// Below this many lines per thread, a chunk is processed on the calling thread only.
const MIN_LINES_PER_THREAD: usize = 64;

/// How many threads a batch uses: `--threads` (or `JWTCTL_THREADS`), else one per core.
pub fn threads(requested: Option<usize>) -> usize {
    requested
        .filter(|count| *count > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |count| count.get()))
}

/// One line of input, without its line break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'c> {
    Text(&'c [u8]),
    /// Longer than the limit; its content was skipped, not kept. The length is in bytes.
    TooLong(usize),
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Text(usize, usize),
    TooLong(usize),
}

/// The lines of one chunk, in one buffer.
#[derive(Debug, Default)]
pub struct Chunk {
    bytes: Vec<u8>,
    lines: Vec<Slot>,
}

impl Chunk {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines in `range`.
    pub fn lines(&self, range: Range<usize>) -> impl Iterator<Item = Line<'_>> {
        self.lines[range].iter().map(|slot| match *slot {
            Slot::Text(start, end) => Line::Text(&self.bytes[start..end]),
            Slot::TooLong(len) => Line::TooLong(len),
        })
    }
}

/// Reads lines into chunks, never holding more than `limit` bytes of any one line.
pub struct Reader<R> {
    input: R,
    limit: usize,
    done: bool,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R, limit: usize) -> Self {
        Reader {
            input,
            limit,
            done: false,
        }
    }

    /// Refills `chunk`; `false` when the input is exhausted and the chunk is empty. A last line
    /// without a line break counts; an empty input has no lines.
    pub fn read_chunk(&mut self, chunk: &mut Chunk) -> io::Result<bool> {
        chunk.bytes.clear();
        chunk.lines.clear();
        while !self.done && chunk.lines.len() < CHUNK_LINES && chunk.bytes.len() < CHUNK_BYTES {
            if let Some(slot) = self.read_line(&mut chunk.bytes)? {
                chunk.lines.push(slot);
            }
        }
        Ok(!chunk.lines.is_empty())
    }

    fn read_line(&mut self, bytes: &mut Vec<u8>) -> io::Result<Option<Slot>> {
        let start = bytes.len();
        let mut len = 0usize;
        loop {
            let available = match self.input.fill_buf() {
                Ok(available) => available,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if available.is_empty() {
                self.done = true;
                if len == 0 {
                    return Ok(None);
                }
                break;
            }
            let (content, consumed, ended) = match memchr::memchr(b'\n', available) {
                Some(newline) => (newline, newline + 1, true),
                None => (available.len(), available.len(), false),
            };
            if len.saturating_add(content) <= self.limit {
                bytes.extend_from_slice(&available[..content]);
            } else {
                bytes.truncate(start);
            }
            len = len.saturating_add(content);
            self.input.consume(consumed);
            if ended {
                break;
            }
        }
        Ok(Some(if len <= self.limit {
            Slot::Text(start, bytes.len())
        } else {
            Slot::TooLong(len)
        }))
    }
}

/// Runs every chunk of `input` through `work` on up to `workers.len()` threads, then `emit`.
///
/// `work` gets a worker and the lines of its piece; `emit` gets the workers in piece order after
/// each chunk, writes what they hold and clears them. Nothing of a chunk reaches `emit` before
/// every line of that chunk was processed.
pub fn run<W, F, E>(
    input: impl BufRead,
    line_limit: usize,
    workers: &mut [W],
    work: F,
    mut emit: E,
) -> anyhow::Result<()>
where
    W: Send,
    F: Fn(&mut W, &mut dyn Iterator<Item = Line<'_>>) + Sync,
    E: FnMut(&mut [W]) -> anyhow::Result<()>,
{
    assert!(!workers.is_empty(), "a batch needs a worker");
    let mut reader = Reader::new(input, line_limit);
    let mut chunk = Chunk::default();
    while reader
        .read_chunk(&mut chunk)
        .context("cannot read standard input")?
    {
        let lines = chunk.len();
        let threads = workers.len().min(lines / MIN_LINES_PER_THREAD).max(1);
        let piece = |index: usize| index * lines / threads..(index + 1) * lines / threads;
        if threads == 1 {
            work(&mut workers[0], &mut chunk.lines(0..lines));
        } else {
            let (first, others) = workers[..threads].split_at_mut(1);
            let (work, chunk) = (&work, &chunk);
            std::thread::scope(|scope| {
                let handles: Vec<_> = others
                    .iter_mut()
                    .enumerate()
                    .map(|(index, worker)| {
                        scope.spawn(move || work(worker, &mut chunk.lines(piece(index + 1))))
                    })
                    .collect();
                work(&mut first[0], &mut chunk.lines(piece(0)));
                for handle in handles {
                    if let Err(panic) = handle.join() {
                        std::panic::resume_unwind(panic);
                    }
                }
            });
        }
        emit(&mut workers[..threads])?;
    }
    Ok(())
}

/// Appends `{"error":{"kind":..,"message":..}}` and a line break.
pub fn push_error(out: &mut Vec<u8>, kind: &str, message: &str) {
    out.extend_from_slice(b"{\"error\":");
    push_error_body(out, kind, message);
    out.extend_from_slice(b"}\n");
}

/// Appends `{"kind":..,"message":..}`.
pub fn push_error_body(out: &mut Vec<u8>, kind: &str, message: &str) {
    out.extend_from_slice(b"{\"kind\":");
    write_str(out, kind);
    out.extend_from_slice(b",\"message\":");
    write_str(out, message);
    out.push(b'}');
}

/// Appends `value` as one line of JSON.
pub fn push_json(out: &mut Vec<u8>, value: &impl Serialize) {
    // Writing to a vector cannot fail, and every value written here has string keys.
    let _ = serde_json::to_writer(&mut *out, value);
    out.push(b'\n');
}

/// Standard output for a batch: locked once, buffered.
pub fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// Writes `bytes`, keeping the I/O error (a broken pipe ends the batch quietly).
pub fn write(out: &mut impl Write, bytes: &[u8]) -> anyhow::Result<()> {
    out.write_all(bytes)
        .context("cannot write to standard output")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8], limit: usize) -> Vec<Result<String, usize>> {
        let mut reader = Reader::new(input, limit);
        let mut chunk = Chunk::default();
        let mut lines = Vec::new();
        while reader.read_chunk(&mut chunk).unwrap() {
            lines.extend(chunk.lines(0..chunk.len()).map(|line| match line {
                Line::Text(text) => Ok(String::from_utf8_lossy(text).into_owned()),
                Line::TooLong(len) => Err(len),
            }));
        }
        lines
    }

    #[test]
    fn one_line_per_line_break_and_a_last_partial_line() {
        assert_eq!(read_all(b"", 10), vec![]);
        assert_eq!(read_all(b"\n", 10), vec![Ok(String::new())]);
        assert_eq!(
            read_all(b"a\n\nb", 10),
            vec![Ok("a".into()), Ok(String::new()), Ok("b".into())]
        );
        assert_eq!(
            read_all(b"a\r\nb\n", 10),
            vec![Ok("a\r".into()), Ok("b".into())]
        );
    }

    #[test]
    fn long_lines_are_skipped_not_kept() {
        let mut input = b"short\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 25));
        input.extend(b"\nend\n");
        assert_eq!(
            read_all(&input, 10),
            vec![Ok("short".into()), Err(25), Ok("end".into())]
        );
        // Across the reader's own buffer boundaries too.
        let reader = io::BufReader::with_capacity(4, &input[..]);
        let mut reader = Reader::new(reader, 10);
        let mut chunk = Chunk::default();
        assert!(reader.read_chunk(&mut chunk).unwrap());
        let lines: Vec<_> = chunk.lines(0..chunk.len()).collect();
        assert_eq!(
            lines,
            vec![Line::Text(b"short"), Line::TooLong(25), Line::Text(b"end")]
        );
    }

    #[test]
    fn error_lines_are_what_serde_json_writes() {
        let mut out = Vec::new();
        push_error(&mut out, "malformed", "a \"quoted\" \u{1b}[2J message\n");
        let expected = serde_json::json!({
            "error": {"kind": "malformed", "message": "a \"quoted\" \u{1b}[2J message\n"}
        });
        assert_eq!(String::from_utf8(out).unwrap(), format!("{expected}\n"));
    }

    #[test]
    fn chunks_keep_order_across_threads() {
        let input: String = (0..10_000).map(|n| format!("{n}\n")).collect();
        let mut workers = vec![Vec::new(); 3];
        let mut seen = Vec::new();
        run(
            input.as_bytes(),
            100,
            &mut workers,
            |out: &mut Vec<u8>, lines| {
                for line in lines {
                    if let Line::Text(text) = line {
                        out.extend_from_slice(text);
                        out.push(b',');
                    }
                }
            },
            |workers| {
                for out in workers.iter_mut() {
                    seen.extend_from_slice(out);
                    out.clear();
                }
                Ok(())
            },
        )
        .unwrap();
        let expected: String = (0..10_000).map(|n| format!("{n},")).collect();
        assert_eq!(String::from_utf8(seen).unwrap(), expected);
    }
}
