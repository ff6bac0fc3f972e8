//! The human printer: a short colored block per error, the fix first, wrapped to the width of
//! the terminal it goes to (80 columns when that is unknown).
//!
//! Layout: a header line (code, service, operation, where it was found), the facts the text
//! gave (who, what, on what, why), then the first remedy with its steps, policy and
//! commands, and the titles of further remedies. `--verbose` adds each remedy's long
//! explanation, the snippets, and the full further remedies. Every value that came from the
//! input is passed through `for_terminal`; JSON and commands are never wrapped so that they
//! stay paste-ready.

use super::output::{Sink, Style};
use super::words::{words, Words};
use awsplain::record::{Deny, PolicyType, Record, Remedy};
use awsplain::sanitize::for_terminal;
use awsplain::Lang;
use colored::Colorize;
use std::io::{self, Write};

/// Columns of the fact labels (`who`, `message`, ...), so that values line up.
const LABEL: usize = 7;

pub struct HumanSink {
    out: Box<dyn Write>,
    verbose: bool,
    lang: Lang,
    style: Style,
}

impl HumanSink {
    pub fn new(out: Box<dyn Write>, verbose: bool) -> Self {
        HumanSink {
            out,
            verbose,
            lang: super::lang_from_env(),
            style: Style::PLAIN,
        }
    }

    /// Labels and the "why" sentence in this language (remedies come translated already).
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// Colour and width of the stream the blocks go to.
    pub fn with_style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }
}

impl super::collapse::Repeats for HumanSink {
    /// One line per repeated error. The error printed last is "this"; the others are named,
    /// since their blocks may be far above.
    fn repeats(&mut self, groups: &super::collapse::Groups) -> io::Result<()> {
        let w = words(self.lang);
        let last = groups
            .last_shown()
            .filter(|&i| groups.all()[i].hidden() > 0);
        let rest = (0..groups.all().len()).filter(|&i| Some(i) != last);
        // Errors of which not one was printed (past a cap on printed records, in `run`) are
        // summed in one line: a line each could run to thousands.
        let (mut unseen, mut unseen_kinds) = (groups.ungrouped_hidden, 0u64);
        for i in last.into_iter().chain(rest) {
            let g = &groups.all()[i];
            if g.hidden() == 0 {
                continue;
            }
            if g.shown == 0 {
                unseen += g.count;
                unseen_kinds += 1;
                continue;
            }
            let label = (Some(i) != last).then(|| g.label_in(w));
            let line = w.more_like(g.hidden(), label.as_deref(), &g.span_in(w));
            writeln!(self.out, "{}", self.style.paint(line.dimmed()))?;
        }
        if unseen > 0 {
            let line = w.more_not_shown(unseen, unseen_kinds);
            writeln!(self.out, "{}", self.style.paint(line.dimmed()))?;
        }
        Ok(())
    }
}

impl Sink for HumanSink {
    fn record(&mut self, rec: &Record) -> io::Result<()> {
        let text = render(rec, self.lang, self.verbose, self.style);
        self.out.write_all(text.as_bytes())
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// What `why` says failed: the state and its resource, the stack resource, or the container;
/// and the state's parameters.
fn lookup_facts(
    o: &mut String,
    lk: &awsplain::Lookup,
    l: &Words,
    fact: &dyn Fn(&mut String, &str, &str),
) {
    let mut failed: Vec<String> = Vec::new();
    if let Some(s) = &lk.state {
        failed.push(format!("state `{s}`"));
    }
    if let Some(r) = &lk.state_resource {
        failed.push(r.clone());
    }
    if let Some(id) = &lk.logical_id {
        failed.push(format!("`{id}`"));
    }
    if let Some(c) = &lk.container {
        failed.push(format!("container `{c}`"));
    }
    if let Some(x) = lk.exit_code {
        failed.push(format!("exit code {x}"));
    }
    if let Some(t) = &lk.resource_type {
        // ECS gives the launch type here.
        failed.push(if lk.call.starts_with("ecs:") {
            format!("{t} task")
        } else {
            t.clone()
        });
    }
    if let Some(s) = &lk.status {
        failed.push(s.clone());
    }
    if !failed.is_empty() {
        fact(o, l.failed, &failed.join("  "));
    }
    if let Some(p) = &lk.parameters {
        let text = p.to_string();
        let short: String = text.chars().take(300).collect();
        let ell = if short.len() < text.len() { "…" } else { "" };
        fact(o, l.params, &format!("{short}{ell}"));
    }
}

/// The reason clause in plain words.
fn why(rec: &Record, lang: Lang) -> Option<String> {
    let explicit = rec.deny == Some(Deny::Explicit);
    let ja = lang == Lang::Ja;
    let s = match (rec.policy_type, explicit) {
        (Some(PolicyType::IdentityBased), false) => {
            if ja {
                "呼び出し元自身のポリシー(ID ベース)にこの操作を許可するものがありません"
            } else {
                "no identity-based policy allows it: the caller's own policies lack this permission"
            }
        }
        (Some(PolicyType::IdentityBased), true) => {
            if ja {
                "呼び出し元のポリシーにある明示的な Deny が拒否しています(Allow を足しても解決しません)"
            } else {
                "an explicit Deny in the caller's own policies blocks it; adding an Allow will not help"
            }
        }
        (Some(PolicyType::ServiceControl), _) => {
            if ja {
                "AWS Organizations の SCP が拒否しています。アカウント内のどのポリシーでも上書きできません"
            } else {
                "an Organizations service control policy (SCP) denies it; nothing in the account can override that"
            }
        }
        (Some(PolicyType::ResourceControl), _) => {
            if ja {
                "AWS Organizations の RCP がこのリソースへのアクセスを拒否しています"
            } else {
                "an Organizations resource control policy (RCP) denies access to this resource"
            }
        }
        (Some(PolicyType::PermissionsBoundary), _) => {
            if ja {
                "呼び出し元のアクセス許可の境界が許可していません"
            } else {
                "the caller's permissions boundary does not allow it, whatever its own policies say"
            }
        }
        (Some(PolicyType::Session), _) => {
            if ja {
                "このセッションに渡されたセッションポリシーが許可していません"
            } else {
                "the session policy passed when these credentials were created does not allow it"
            }
        }
        (Some(PolicyType::ResourceBased), false) => {
            if ja {
                "リソース側のポリシーに呼び出し元を許可するものがありません"
            } else {
                "the resource's own policy does not allow the caller"
            }
        }
        (Some(PolicyType::ResourceBased), true) => {
            if ja {
                "リソース側のポリシーの明示的な Deny が拒否しています"
            } else {
                "an explicit Deny in the resource's own policy blocks it"
            }
        }
        (Some(PolicyType::VpcEndpoint), _) => {
            if ja {
                "リクエストが通った VPC エンドポイントのポリシーが許可していません"
            } else {
                "the policy of the VPC endpoint the request went through does not allow it"
            }
        }
        (None, true) => {
            if ja {
                "明示的な Deny に一致しました(どのポリシーかはメッセージにありません)"
            } else {
                "an explicit Deny matched; the message does not say in which policy"
            }
        }
        (None, false) if rec.deny == Some(Deny::Implicit) || rec.action.is_some() => {
            if ja {
                "この操作を許可するポリシーがありません(暗黙的な拒否)"
            } else {
                "no policy allows it (implicit deny)"
            }
        }
        _ => return None,
    };
    Some(s.to_string())
}

/// The whole block for one record.
pub fn render(rec: &Record, lang: Lang, verbose: bool, style: Style) -> String {
    let l = words(lang);
    let p = |s: colored::ColoredString| style.paint(s);
    let width = style.width;
    let mut o = String::new();

    // Header: code, service and operation, where it was found.
    let code = l.code(super::collapse::code_of(rec));
    let mut head = p(for_terminal(code).red().bold());
    if let Some(w) = rec
        .wrapper_code
        .as_deref()
        .filter(|w| Some(*w) != rec.error_code.as_deref())
    {
        head.push_str(&format!(" ({})", for_terminal(w)));
    }
    let svc_op: Vec<String> = [rec.service.as_deref(), rec.operation.as_deref()]
        .into_iter()
        .flatten()
        .map(|s| for_terminal(s).into_owned())
        .collect();
    if !svc_op.is_empty() {
        head.push_str(&format!("  {}", p(svc_op.join(" ").bold())));
    }
    if let Some(s) = rec.status_code {
        head.push_str(&format!("  {s}"));
    }
    let mut place = for_terminal(&rec.source.name).into_owned();
    if let Some(line) = rec.source.line {
        place.push_str(&format!(":{line}"));
    }
    if let Some(g) = &rec.source.log_group {
        // From `tail`: the group, then the stream and the event time when known.
        place = for_terminal(g).into_owned();
        if let Some(s) = &rec.source.log_stream {
            place.push_str(&format!("  {}", for_terminal(s)));
        }
        if let Some(t) = rec.source.timestamp {
            place.push_str(&format!("  {}", super::tail::format_rfc3339(t)));
        }
    }
    if rec.source.lookup.is_some() {
        // From `why`: the resource looked up and the event's time.
        if let Some(t) = rec.source.timestamp {
            place.push_str(&format!("  {}", super::tail::format_rfc3339(t)));
        }
    }
    if !place.is_empty() && place != "-" {
        head.push_str(&format!("  {}", p(place.dimmed())));
    }
    o.push_str(&head);
    o.push('\n');

    // Facts.
    let label = |o: &mut String, label: &str| {
        let pad = LABEL.saturating_sub(display_width(label));
        o.push_str(&format!("  {}{}  ", p(label.cyan()), " ".repeat(pad)));
    };
    let fact = |o: &mut String, name: &str, value: &str| {
        label(o, name);
        o.push_str(&for_terminal(value));
        o.push('\n');
    };
    if let Some(v) = &rec.principal {
        fact(&mut o, l.who, v);
    }
    if let Some(a) = &rec.action {
        fact(&mut o, l.what, a);
    }
    if let Some(r) = &rec.resource {
        fact(&mut o, l.on, r);
    }
    if let Some(lk) = rec.source.lookup.as_deref() {
        lookup_facts(&mut o, lk, l, &fact);
    }
    if let Some(w) = why(rec, lang) {
        label(&mut o, l.why);
        o.push_str(wrap(&w, LABEL + 4, LABEL + 4, width).trim_start());
    }
    if rec.action.is_none() {
        if let Some(m) = rec.message.as_deref().filter(|m| !m.trim().is_empty()) {
            let short: String = m.chars().take(400).collect();
            let ell = if short.len() < m.len() { "…" } else { "" };
            label(&mut o, l.message);
            o.push_str(
                wrap(
                    &format!("{}{ell}", for_terminal(&short)),
                    LABEL + 4,
                    LABEL + 4,
                    width,
                )
                .trim_start(),
            );
        }
    }

    // The fix first.
    let mut remedies = rec.remedies.iter();
    if let Some(r) = remedies.next() {
        o.push('\n');
        remedy_block(&mut o, r, l, verbose, style);
    }
    for r in remedies {
        if verbose {
            o.push('\n');
            remedy_block(&mut o, r, l, true, style);
        } else {
            let line = format!("{} [{}] {}", l.also, r.id, for_terminal(&r.title));
            o.push_str(&format!(
                "  {}",
                p(wrap(&line, 2, 4, width).trim_start().dimmed())
            ));
        }
    }
    o.push('\n');
    o
}

fn remedy_block(o: &mut String, r: &Remedy, l: &Words, verbose: bool, style: Style) {
    let p = |s: colored::ColoredString| style.paint(s);
    let width = style.width;
    let head = format!("{} [{}]", l.fix, r.id);
    o.push_str(&format!("  {} ", p(head.green().bold())));
    o.push_str(wrap(&for_terminal(&r.title), 4 + display_width(&head), 4, width).trim_start());
    if verbose && !r.explanation.is_empty() {
        for para in r.explanation.split("\n\n") {
            let flat = join_lines(para);
            o.push_str("    ");
            o.push_str(&wrap(&for_terminal(&flat), 4, 4, width));
        }
    }
    for (i, s) in r.steps.iter().enumerate() {
        let n = format!("{}. ", i + 1);
        let first = 4 + n.len();
        let body = wrap(&for_terminal(s), first, first, width);
        o.push_str(&format!("    {n}{}", body.trim_start()));
    }
    let saved = r.policy.as_ref().and_then(|doc| policy_in_file(doc, r));
    match (&r.policy, &saved) {
        (Some(_), Some(saved)) => {
            // The policy once, as the command that saves it; the commands after it read
            // that file.
            let heading = wrap(&l.policy_file(&saved.file), 4, 6, width);
            o.push_str(&format!("    {}", p(heading.trim_start().bold())));
            let mut lines = saved.write.lines();
            if let Some(first) = lines.next() {
                o.push_str(&format!("      $ {}\n", for_terminal(first)));
            }
            for line in lines {
                o.push_str(&format!("        {}\n", for_terminal(line)));
            }
        }
        (Some(doc), None) => {
            o.push_str(&format!("    {}\n", p(format!("{}:", l.policy).bold())));
            let pretty = serde_json::to_string_pretty(doc).unwrap_or_default();
            for line in pretty.lines() {
                o.push_str(&format!("      {}\n", for_terminal(line)));
            }
        }
        (None, _) => {}
    }
    if !r.apply.is_empty() {
        o.push_str(&format!("    {}\n", p(format!("{}:", l.apply).bold())));
        for (i, c) in r.apply.iter().enumerate() {
            let c = match &saved {
                Some(saved) => saved.commands[i].as_str(),
                None => c.as_str(),
            };
            o.push_str(&format!("      $ {}\n", for_terminal(c)));
        }
    }
    if !r.snippets.is_empty() {
        if verbose {
            for (k, v) in &r.snippets {
                o.push_str(&format!("    {}\n", p(format!("{k}:").bold())));
                for line in v.lines() {
                    o.push_str(&format!("      {}\n", for_terminal(line)));
                }
            }
        } else {
            let keys: Vec<&str> = r.snippets.keys().map(String::as_str).collect();
            o.push_str(&format!("    {}\n", p(l.verbose_hint(&keys).dimmed())));
        }
    }
}

/// A remedy's policy saved to a file by a command, and its apply commands reading that file
/// instead of carrying the document inline.
struct SavedPolicy {
    file: String,
    /// `printf '%s\n' '{ ...pretty JSON... }' > FILE`: quoted, so that the indentation a
    /// terminal copy brings along stays inside the string (a here-document's end marker
    /// would not be found once indented).
    write: String,
    /// The apply commands, each inline copy of the document replaced by `file://FILE`.
    commands: Vec<String>,
}

/// The saved form of `doc`, or `None` when no apply command carries it inline (then the
/// policy is printed as it is, and the commands too).
fn policy_in_file(doc: &serde_json::Value, r: &Remedy) -> Option<SavedPolicy> {
    let compact = serde_json::to_string(doc).ok()?;
    let inline = format!(" {}", awsplain::remedy::policy::shell_quote(&compact));
    if !r.apply.iter().any(|c| c.contains(&inline)) {
        return None;
    }
    // Named like the inline policy it becomes, so that fixes of several errors do not
    // overwrite each other's files.
    let name = r
        .apply
        .iter()
        .find_map(|c| {
            let rest = &c[c.find("--policy-name ")? + "--policy-name ".len()..];
            rest.split(' ').next().map(str::to_string)
        })
        .unwrap_or_else(|| format!("awsplain-{}", r.id));
    let safe = |b: u8| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b);
    if name.is_empty() || !name.bytes().all(safe) {
        return None;
    }
    let file = format!("{name}.json");
    let pretty = serde_json::to_string_pretty(doc).ok()?;
    let write = format!(
        "printf '%s\\n' {} > {file}",
        awsplain::remedy::policy::shell_quote(&pretty)
    );
    let by_file = format!(" file://{file}");
    let commands = r
        .apply
        .iter()
        .map(|c| c.replace(&inline, &by_file))
        .collect();
    Some(SavedPolicy {
        file,
        write,
        commands,
    })
}

/// Columns a string takes, counting East Asian wide characters as two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Join the lines of a catalog paragraph: a space between words, nothing between two
/// Japanese characters (Japanese has no spaces, and a space there reads as a gap).
pub(crate) fn join_lines(para: &str) -> String {
    let mut out = String::new();
    for line in para.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let prev_wide = out.chars().last().is_some_and(is_wide);
        let next_wide = line.chars().next().is_some_and(is_wide);
        // Wide (CJK) text runs on without a space across a line break.
        if !out.is_empty() && (!prev_wide || !next_wide) {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Wrap `text` to `width` columns: the first line assumes `first` columns are used already,
/// later lines are indented by `indent`. Words wider than a line stay whole (ARNs, URLs,
/// commands); runs of Japanese text, which has no spaces, break between characters.
pub(crate) fn wrap(text: &str, first: usize, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut col = first;
    let mut line_empty = true;
    let newline = |out: &mut String, col: &mut usize| {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
        *col = indent;
    };
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = display_width(word);
        let breakable = word.chars().any(is_wide);
        if !line_empty && col + 1 + w > width && !(breakable && col + 2 < width) {
            newline(&mut out, &mut col);
            line_empty = true;
        }
        if !line_empty {
            out.push(' ');
            col += 1;
        }
        if breakable && col + w > width {
            let mut prev_wide = false;
            for c in word.chars() {
                let cw = if is_wide(c) { 2 } else { 1 };
                // Break only next to a Japanese character, never inside an ASCII run
                // (`step-functions`); closing punctuation may hang past the edge.
                let may_break = is_wide(c) || prev_wide;
                let hangs = matches!(c, '、' | '。' | ')' | '」' | ',' | '.');
                if col + cw > width && col > indent && may_break && !hangs {
                    newline(&mut out, &mut col);
                }
                out.push(c);
                col += cw;
                prev_wide = is_wide(c);
            }
        } else {
            out.push_str(word);
            col += w;
        }
        line_empty = false;
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use awsplain::remedy::remedies_for;

    fn pass_role_record() -> Record {
        let mut r = Record {
            error_code: Some("AccessDeniedException".into()),
            wrapper_code: Some("ECS.AccessDeniedException".into()),
            principal: Some(
                "arn:aws:sts::123456789012:assumed-role/OrdersStateMachineRole/a1b2".into(),
            ),
            action: Some("iam:PassRole".into()),
            resource: Some("arn:aws:iam::123456789012:role/orders-task-execution-role".into()),
            deny: Some(Deny::Implicit),
            policy_type: Some(PolicyType::IdentityBased),
            ..Record::default()
        };
        r.remedies = remedies_for(&r, Lang::En);
        r
    }

    #[test]
    fn block_leads_with_fix_and_fits_80_columns() {
        let text = render(&pass_role_record(), Lang::En, false, Style::PLAIN);
        assert!(text.contains("fix [iam-pass-role]"));
        assert!(text.contains("\"iam:PassedToService\": \"ecs-tasks.amazonaws.com\""));
        assert!(text.contains("aws iam put-role-policy --role-name OrdersStateMachineRole"));
        assert!(text.contains("why"));
        for line in text.lines() {
            // Only unbreakable tokens (commands, ARNs, JSON lines with ARNs) may be longer.
            if display_width(line) > Style::PLAIN.width {
                let t = line.trim_start();
                assert!(
                    t.starts_with("$ ") || t.contains("arn:aws:"),
                    "too wide: {line}"
                );
            }
        }
    }

    #[test]
    fn escapes_untrusted_text() {
        let mut r = Record {
            error_code: Some("Oops\x1b[31m".into()),
            message: Some("bad \x1b]8;;http://x\x07link".into()),
            ..Record::default()
        };
        r.remedies = remedies_for(&r, Lang::En);
        let text = render(&r, Lang::En, true, Style::PLAIN);
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(!text.contains('\x07'));
    }

    #[test]
    fn japanese_labels_and_wrapping() {
        let mut r = pass_role_record();
        r.remedies = remedies_for(&r, Lang::Ja);
        let text = render(&r, Lang::Ja, true, Style::PLAIN);
        assert!(text.contains("対処 [iam-pass-role]"));
        assert!(text.contains("理由"));
        for line in text.lines() {
            let t = line.trim_start();
            // Closing punctuation may hang one character past the edge.
            let hang = if t.ends_with(['。', '、']) { 2 } else { 0 };
            if display_width(line) > Style::PLAIN.width + hang
                // Snippet code is not wrapped: a Terraform resource's label is one token.
                && !(t.starts_with("$ ") || t.contains("arn:aws:") || t.starts_with("resource \""))
            {
                // A step may carry a long unbreakable token such as a command in backticks.
                assert!(
                    t.contains('`') || t.contains("::") || t.contains("=>"),
                    "too wide: {line}"
                );
            }
        }
    }
}
