//! Repair of an event damaged on its way to the reader, before the grammar reads it: the prefix
//! a box, quote or container log puts before every line, XML escapes around embedded text, and
//! hard wrapping at a fixed column. Each repair is undone only where the damage is certain
//! (see "Damaged text" in `grammar/README.md`); offsets map back to the event's own.

use super::lex;

/// An event's repaired text and the way back to the event's offsets.
pub struct Repaired {
    pub text: String,
    /// `(repaired offset, event offset)` at the start of each unchanged stretch, ascending.
    marks: Vec<(usize, usize)>,
}

impl Repaired {
    /// The event offset of repaired offset `at`: inside an unchanged stretch, its own place;
    /// inside a repair, the place its stretch of the event starts.
    pub fn to_event(&self, at: usize) -> usize {
        let k = self.marks.partition_point(|&(r, _)| r <= at);
        match k.checked_sub(1).map(|k| self.marks[k]) {
            Some((r, e)) => e + (at - r),
            None => at,
        }
    }
}

/// A text being rebuilt from pieces of the event: kept stretches and replacements.
struct Builder<'a> {
    src: &'a str,
    out: String,
    marks: Vec<(usize, usize)>,
    /// The event offset up to which the text has been taken.
    done: usize,
}

impl<'a> Builder<'a> {
    fn new(src: &'a str) -> Self {
        Builder {
            src,
            out: String::with_capacity(src.len()),
            marks: Vec::new(),
            done: 0,
        }
    }

    /// Keep the event's text up to `to`, then put `with` in place of `to..skip_to`.
    fn replace(&mut self, to: usize, skip_to: usize, with: &str) {
        if self.done < to {
            self.marks.push((self.out.len(), self.done));
            self.out.push_str(&self.src[self.done..to]);
        }
        self.out.push_str(with);
        self.done = skip_to;
    }

    fn finish(mut self) -> Repaired {
        let end = self.src.len();
        self.replace(end, end, "");
        Repaired {
            text: self.out,
            marks: self.marks,
        }
    }
}

/// Compose two repairs: `outer` was made from `inner`'s text.
fn chain(inner: Option<Repaired>, outer: Option<Repaired>) -> Option<Repaired> {
    match (inner, outer) {
        (i, None) => i,
        (None, o) => o,
        (Some(i), Some(mut o)) => {
            for m in &mut o.marks {
                m.1 = i.to_event(m.1);
            }
            Some(o)
        }
    }
}

/// The event repaired, or `None` when it shows none of the damage repaired here.
pub fn repair(event: &str) -> Option<Repaired> {
    let unboxed = strip_prefixes(event);
    let t1 = unboxed.as_ref().map_or(event, |r| r.text.as_str());
    let decoded = decode_xml(t1);
    let r = chain(unboxed, decoded);
    let t2 = r.as_ref().map_or(event, |r| r.text.as_str());
    let unwrapped = unwrap(t2);
    let r = chain(r, unwrapped);
    let t3 = r.as_ref().map_or(event, |r| r.text.as_str());
    let spaced = single_spaces(t3);
    chain(r, spaced)
}

/// The event with each run of spaces between two words of a line read as one space: a wrap
/// pasted back as one line leaves a second space where it broke after one (`when  calling`),
/// and a sentence's fixed words are matched with single spaces. Indentation and a line's
/// trailing blanks stay.
fn single_spaces(event: &str) -> Option<Repaired> {
    let b = event.as_bytes();
    let mut out: Option<Builder> = None;
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&b[from..], b"  ") {
        let at = from + p;
        let end = at + b[at..].iter().take_while(|&&c| c == b' ').count();
        // The search resumes after a run, so the byte before this one is no space: a word's
        // last byte, or the line break or tab that makes the run indentation.
        let inside = at > 0
            && !matches!(b[at - 1], b'\n' | b'\t' | b'\r')
            && end < b.len()
            && !matches!(b[end], b'\n' | b'\r' | b'\t');
        if inside {
            out.get_or_insert_with(|| Builder::new(event))
                .replace(at, end, " ");
        }
        from = end;
    }
    out.map(Builder::finish)
}

/// Lines of `s` with their start offsets, without their line breaks.
fn lines(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    s.split_inclusive('\n').map(move |l| {
        let start = at;
        at += l.len();
        (start, l.strip_suffix('\n').unwrap_or(l))
    })
}

/// The prefix a box or quote (`│ `, `| `, `> `, `# `), a container log (`web-1  | `) or
/// `kubectl logs --prefix` (`[pod/web/app] `) puts before `line`.
fn line_prefix(line: &str) -> Option<&str> {
    // Every prefix ends at an ASCII byte: the cut is a character boundary.
    prefix_len(line.as_bytes()).map(|n| &line[..n])
}

/// The length of the prefix [`line_prefix`] finds, on bytes: the scanner looks past it for a
/// log record's head and for blank lines, so that a boxed log is cut into events as it is bare.
pub fn prefix_len(b: &[u8]) -> Option<usize> {
    for glyph in ["│", "┃", "|", ">", "#"] {
        if let Some(r) = b.strip_prefix(glyph.as_bytes()) {
            return Some(glyph.len() + usize::from(r.first() == Some(&b' ')));
        }
    }
    if b.first() == Some(&b'[') {
        let close = memchr::memchr(b']', b)?;
        let inner = &b[1..close];
        return (inner.contains(&b'/')
            && !inner.iter().any(u8::is_ascii_whitespace)
            && b.get(close + 1) == Some(&b' '))
        .then_some(close + 2);
    }
    // A compose service name, padded, then `| `.
    let name = b
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))?;
    let pad = b[name..].iter().take_while(|&&c| c == b' ').count();
    (name > 0 && pad > 0 && b[name + pad..].starts_with(b"| ")).then_some(name + pad + 2)
}

/// Lines that stand in a box without its prefix: Terraform's corners (`╷`, `╵`), and the
/// prefix's own glyph on a blank line of the box.
fn is_box_edge(line: &str, prefix: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t == "╷" || t == "╵" || t == prefix.trim()
}

/// The event without the prefix every one of its lines has.
fn strip_prefixes(event: &str) -> Option<Repaired> {
    let first = lines(event)
        .map(|(_, l)| l)
        .find(|l| !l.trim().is_empty() && !matches!(l.trim(), "╷" | "╵"))?;
    let prefix = line_prefix(first)?;
    let bare = prefix.trim_end();
    if !lines(event).all(|(_, l)| l.starts_with(prefix) || is_box_edge(l, prefix) || l == bare) {
        return None;
    }
    let mut b = Builder::new(event);
    for (start, l) in lines(event) {
        if l.starts_with(prefix) {
            b.replace(start, start + prefix.len(), "");
        } else if l.starts_with(bare) {
            b.replace(start, start + bare.len(), "");
        } else if matches!(l.trim(), "╷" | "╵") {
            b.replace(start, start + l.len(), "");
        }
    }
    Some(b.finish())
}

const ENTITIES: [(&str, &str); 5] = [
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", "\""),
    ("&apos;", "'"),
    ("&amp;", "&"),
];

/// The tags of an element that holds the whole event as text (`<Output>...</Output>`) taken
/// away, and XML's escapes decoded as many times as text was escaped (at most three).
fn decode_xml(event: &str) -> Option<Repaired> {
    let mut cur = unenvelope(event);
    for _ in 0..3 {
        let t = cur.as_ref().map_or(event, |r| r.text.as_str());
        if memchr::memchr(b'&', t.as_bytes()).is_none() {
            break;
        }
        let mut b = Builder::new(t);
        let mut any = false;
        for at in memchr::memchr_iter(b'&', t.as_bytes()) {
            if at < b.done {
                continue;
            }
            if let Some((e, c)) = ENTITIES.iter().find(|(e, _)| t[at..].starts_with(e)) {
                b.replace(at, at + e.len(), c);
                any = true;
            } else if let Some(c) = numeric_entity(&t[at..]) {
                let len = t[at..].find(';').map_or(0, |p| p + 1);
                b.replace(at, at + len, c.encode_utf8(&mut [0; 4]));
                any = true;
            }
        }
        if !any {
            break;
        }
        let next = b.finish();
        cur = chain(cur, Some(next));
    }
    cur
}

/// `&#NN;` or `&#xHH;`.
fn numeric_entity(s: &str) -> Option<char> {
    let body = s.strip_prefix("&#")?;
    let end = body.find(';').filter(|&e| e <= 8)?;
    let n = match body[..end].strip_prefix(['x', 'X']) {
        Some(h) => u32::from_str_radix(h, 16).ok()?,
        None => body[..end].parse().ok()?,
    };
    char::from_u32(n)
}

/// The text of an element that holds the whole event, without the element's tags: its text
/// holds no markup of its own (any `<` inside was escaped), so the tags are the envelope. An
/// element whose text runs over several events (a blank line or a log head inside it) leaves
/// its opening tag at the start of the first and its closing tag at the end of the last:
/// each is taken away when the event holds no tag of the other kind and the text beside it is
/// no markup.
fn unenvelope(event: &str) -> Option<Repaired> {
    whole_envelope(event).or_else(|| split_envelope(event))
}

/// A tag name of an envelope: letters, digits, `_`, and none of the elements of AWS's own
/// error documents, which the XML grammar reads (`<Code>X</Code>` on a line of its own).
fn is_tag_name(name: &str) -> bool {
    const AWS_ELEMENTS: [&str; 13] = [
        "Code",
        "Message",
        "RequestId",
        "RequestID",
        "HostId",
        "Error",
        "Errors",
        "Response",
        "ErrorResponse",
        "Type",
        "BucketName",
        "Key",
        "Resource",
    ];
    !name.is_empty()
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        && !AWS_ELEMENTS.contains(&name)
}

fn split_envelope(event: &str) -> Option<Repaired> {
    let lead = event.len() - event.trim_start().len();
    let t = event.trim_end();
    let mut b = Builder::new(event);
    let mut any = false;
    if let Some(name_end) = event[lead..].strip_prefix('<').and_then(|r| r.find('>')) {
        let name = &event[lead + 1..lead + 1 + name_end];
        let after = &event[lead + name_end + 2..];
        if is_tag_name(name)
            && !after.starts_with('<')
            && !lex::contains(event, &format!("</{name}>"))
        {
            b.replace(lead, lead + name_end + 2, "");
            any = true;
        }
    }
    if let Some(open) = t.ends_with('>').then(|| t.rfind("</")).flatten() {
        let name = &t[open + 2..t.len() - 1];
        let before = &t[..open];
        if is_tag_name(name)
            && !before.ends_with('>')
            && !lex::contains(before, &format!("<{name}>"))
            && open >= b.done
        {
            b.replace(open, t.len(), "");
            any = true;
        }
    }
    any.then(|| b.finish())
}

fn whole_envelope(event: &str) -> Option<Repaired> {
    let t = event.trim_end();
    let lead = event.len() - event.trim_start().len();
    let open = &event[lead..];
    let name_end = open.strip_prefix('<')?.find('>')? + 1;
    let name = &open[1..name_end];
    if !is_tag_name(name) {
        return None;
    }
    let close = format!("</{name}>");
    let inner = t.strip_suffix(close.as_str())?;
    let body = &inner[lead + name_end + 1..];
    if body.contains('<') {
        return None;
    }
    let mut b = Builder::new(event);
    b.replace(lead, lead + name_end + 1, "");
    b.replace(inner.len(), t.len(), "");
    Some(b.finish())
}

/// Lines shorter than this are not taken for hard-wrapped ones: no console wraps so narrow.
const MIN_WRAP: usize = 40;

/// The event with its hard-wrapped lines joined. A text wrapped at a fixed column has lines
/// that all end at that column but the last of each paragraph; the column is the longest
/// line's end, when two or more lines end there and are followed by another. A box pads its lines with spaces to its
/// edge: when the longest lines all end in a space, the column is taken from the lines
/// without their padding. Each line ending at the column is joined to the next (with the
/// padding dropped, and the next line's indentation when every continuation line has it: a
/// box's hanging indent), unless the next line is a stack frame or starts a log record. A
/// break at any other place is not a wrap the text shows for certain.
fn unwrap(event: &str) -> Option<Repaired> {
    // Two joins need three lines.
    memchr::memchr_iter(b'\n', event.as_bytes()).nth(1)?;
    let all: Vec<(usize, &str)> = lines(event).collect();
    // Padding is a run of blanks: one space at the column is as likely the text's own.
    let padded = |l: &str| l.len() - l.trim_end_matches([' ', '\t']).len() >= 2;
    let widest_of = |width: &dyn Fn(&str) -> usize| {
        let w = all.iter().map(|(_, l)| width(l)).max().unwrap_or(0);
        let full: Vec<&str> = all
            .iter()
            .map(|(_, l)| *l)
            .filter(|l| width(l) == w)
            .collect();
        (w, full)
    };
    // Characters, counted as the bytes that start one.
    let chars = |l: &str| l.bytes().filter(|&b| b & 0xC0 != 0x80).count();
    let raw = |l: &str| chars(l);
    let trimmed = |l: &str| chars(l.trim_end());
    let (mut widest, full) = widest_of(&raw);
    let mut width: &dyn Fn(&str) -> usize = &raw;
    if full.len() < 2 || full.iter().all(|l| padded(l)) {
        let (w, full) = widest_of(&trimmed);
        if full.len() < 2 {
            return None;
        }
        (widest, width) = (w, &trimmed);
    }
    if widest < MIN_WRAP {
        return None;
    }
    let joins: Vec<usize> = (0..all.len().saturating_sub(1))
        .filter(|&k| {
            let next = all[k + 1].1;
            width(all[k].1) == widest
                && !next.trim().is_empty()
                && !lex::is_stack_frame(next)
                && lex::skip_log_head(next).len() == next.trim_start().len()
        })
        .collect();
    // One line at the column and a line after it are what any text of two lines may show.
    if joins.len() < 2 {
        return None;
    }
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    // One space before every continuation is as likely a space the text had at the break.
    let hang = joins
        .iter()
        .map(|&k| indent(all[k + 1].1))
        .min()
        .filter(|&h| h >= 2)
        .unwrap_or(0);
    let mut b = Builder::new(event);
    for k in joins {
        let (start, l) = all[k];
        let cut = start
            + if padded(l) && width(l) != raw(l) {
                l.trim_end().len()
            } else {
                l.len()
            };
        let next = all[k + 1].0;
        b.replace(cut, next + hang, "");
    }
    Some(b.finish())
}

/// A message without the end of a JSON string or XML element it ran into: the text was
/// embedded in one, whose closing quote or tag stands after it (`...expired"}`,
/// `...Denied</Output>`). A quote ends it when the message did not open it, or when the
/// message's line is a JSON object (`{"msg":"... expired"}`); a tag ends it when the message
/// did not open it. `text` is the event the message may be a slice of.
pub fn message_end<'m>(text: &str, m: &'m str) -> &'m str {
    let t = m.trim_end_matches([' ', '}', ']', ',']);
    if let Some(q) = t.strip_suffix('"') {
        let in_object = || {
            let at = m.as_ptr() as usize;
            let base = text.as_ptr() as usize;
            (base..=base + text.len()).contains(&at) && {
                let line = &text[lex::line_start(text, at - base)..];
                line.trim_start().starts_with('{') && t.len() < m.len()
            }
        };
        if t.len() < m.len() && q.bytes().filter(|&c| c == b'"').count() % 2 == 0 || in_object() {
            return q.trim_end();
        }
    }
    if let Some(open) = t.rfind("</").filter(|_| t.ends_with('>')) {
        let name = &t[open + 2..t.len() - 1];
        if !name.is_empty()
            && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
            && !lex::contains(&t[..open], &format!("<{name}>"))
        {
            return t[..open].trim_end();
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(s: &str) -> String {
        repair(s).map_or_else(|| s.to_string(), |r| r.text)
    }

    #[test]
    fn prefixes_are_stripped_when_every_line_has_one() {
        assert_eq!(fixed("│ a\n│\n│ b\n"), "a\n\nb\n");
        assert_eq!(fixed("╷\n│ Error: x\n│ y\n╵\n"), "\nError: x\ny\n\n");
        assert_eq!(fixed("web-1  | a\nweb-1  | b"), "a\nb");
        assert_eq!(fixed("[pod/w/app] a\n[pod/w/app] b"), "a\nb");
        assert_eq!(fixed("> a\nb"), "> a\nb");
        assert_eq!(fixed("[ERROR] a"), "[ERROR] a");
    }

    #[test]
    fn xml_escapes_and_envelopes() {
        assert_eq!(
            fixed("<Output>&lt;Code&gt;AccessDenied&lt;/Code&gt; &amp;amp;</Output>"),
            "<Code>AccessDenied</Code> &"
        );
        assert_eq!(fixed("<Output>Access Denied</Output>\n"), "Access Denied\n");
        assert_eq!(
            fixed("<Error><Code>X</Code></Error>"),
            "<Error><Code>X</Code></Error>"
        );
        assert_eq!(
            fixed("<Output>2018/05/09 failed: x\n"),
            "2018/05/09 failed: x\n"
        );
        assert_eq!(
            fixed("status code: 400, request id: r1</Output>"),
            "status code: 400, request id: r1"
        );
        assert_eq!(fixed("<Code>X</Code>"), "<Code>X</Code>");
    }

    #[test]
    fn hard_wraps_are_joined_at_the_wrap_column_only() {
        let text = "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied for arn:aws:s3:::bucket/key/x";
        let wrapped: String = text
            .chars()
            .collect::<Vec<_>>()
            .chunks(41)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(fixed(&wrapped), text);
        assert_eq!(fixed("short\nlines"), "short\nlines");
        // A box 50 wide with a hanging indent of 4.
        let boxed = "  - (service web) (port 8080) is unhealthy in (tar   \n    get-group arn:aws:elasticloadbalancing:us-east\n    -1:123456789012:targetgroup/web/0123) due to (\n    reason Health checks failed).";
        assert_eq!(
            fixed(boxed),
            "  - (service web) (port 8080) is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123) due to (reason Health checks failed)."
        );
    }

    #[test]
    fn runs_of_spaces_between_words_are_one() {
        assert_eq!(
            fixed("An error occurred (X) when  calling"),
            "An error occurred (X) when calling"
        );
        assert_eq!(
            fixed("    at f  (x)\nkey   = v  \n"),
            "    at f (x)\nkey = v  \n"
        );
    }

    #[test]
    fn offsets_map_back() {
        let r = repair("│ ab\n│ cd").unwrap();
        assert_eq!(r.text, "ab\ncd");
        assert_eq!(r.to_event(0), "│ ".len());
        assert_eq!(r.to_event(3), "│ ab\n│ ".len());
    }

    #[test]
    fn messages_end_before_their_envelope() {
        let end = |m: &str| message_end("", m).to_string();
        assert_eq!(end("token is expired\"}"), "token is expired");
        assert_eq!(end("say \"hi\""), "say \"hi\"");
        assert_eq!(end("Access Denied</Output>"), "Access Denied");
        assert_eq!(end("<b>x</b>"), "<b>x</b>");
        let line = "{\"msg\":\"Access Denied\" tf_req_id=1\"}";
        assert_eq!(message_end(line, &line[8..]), "Access Denied\" tf_req_id=1");
    }
}
