//! The human printer: a short colored block per error, the fix first, readable at 80 columns.
//!
//! Layout: a header line (code, service, operation, where it was found), the facts the text
//! gave (who, what, on what, why), then the first remedy with its steps, policy and
//! commands, and the titles of further remedies. `--verbose` adds each remedy's long
//! explanation, the snippets, and the full further remedies. Every value that came from the
//! input is passed through `for_terminal`; JSON and commands are never wrapped so that they
//! stay paste-ready.

use super::output::Sink;
use awsplain::record::{Deny, PolicyType, Record, Remedy};
use awsplain::sanitize::for_terminal;
use awsplain::Lang;
use colored::Colorize;
use std::io::{self, Write};

const WIDTH: usize = 80;
/// Columns of the fact labels (`who`, `message`, ...), so that values line up.
const LABEL: usize = 7;

pub struct HumanSink {
    out: Box<dyn Write>,
    verbose: bool,
    lang: Lang,
}

impl HumanSink {
    pub fn new(out: Box<dyn Write>, verbose: bool) -> Self {
        HumanSink {
            out,
            verbose,
            lang: super::lang_from_env(),
        }
    }

    /// Labels and the "why" sentence in this language (remedies come translated already).
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }
}

impl super::collapse::Repeats for HumanSink {
    /// One line per repeated error. The error printed last is "this"; the others are named,
    /// since their blocks may be far above.
    fn repeats(&mut self, groups: &super::collapse::Groups) -> io::Result<()> {
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
            let like = if Some(i) == last {
                "this".to_string()
            } else {
                g.label()
            };
            let span = g.span();
            let span = if span.is_empty() {
                String::new()
            } else {
                format!(" ({span})")
            };
            let line = format!("... and {} more like {like}{span}", g.hidden());
            writeln!(self.out, "{}", line.dimmed())?;
        }
        if unseen > 0 {
            let kinds = if unseen_kinds > 0 {
                format!(" of {unseen_kinds} other kinds")
            } else {
                String::new()
            };
            let line = format!("... and {unseen} more AWS errors{kinds} not shown");
            writeln!(self.out, "{}", line.dimmed())?;
        }
        Ok(())
    }
}

impl Sink for HumanSink {
    fn record(&mut self, rec: &Record) -> io::Result<()> {
        let text = render(rec, self.lang, self.verbose);
        self.out.write_all(text.as_bytes())
    }
    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

struct Labels {
    who: &'static str,
    what: &'static str,
    on: &'static str,
    why: &'static str,
    fix: &'static str,
    policy: &'static str,
    apply: &'static str,
    also: &'static str,
    message: &'static str,
    failed: &'static str,
    params: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            who: "who",
            what: "what",
            on: "on",
            why: "why",
            fix: "fix",
            policy: "policy",
            apply: "apply",
            also: "also",
            message: "message",
            failed: "failed",
            params: "params",
        },
        Lang::Ja => Labels {
            who: "誰が",
            what: "操作",
            on: "対象",
            why: "理由",
            fix: "対処",
            policy: "ポリシー",
            apply: "実行",
            also: "ほかに",
            message: "内容",
            failed: "失敗箇所",
            params: "入力",
        },
    }
}

/// What `why` says failed: the state and its resource, the stack resource, or the container;
/// and the state's parameters.
fn lookup_facts(
    o: &mut String,
    lk: &awsplain::Lookup,
    l: &Labels,
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
pub fn render(rec: &Record, lang: Lang, verbose: bool) -> String {
    let l = labels(lang);
    let mut o = String::new();

    // Header: code, service and operation, where it was found.
    let code = super::collapse::code_of(rec);
    let mut head = format!("{}", for_terminal(code).red().bold());
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
        head.push_str(&format!("  {}", svc_op.join(" ").bold()));
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
        head.push_str(&format!("  {}", place.dimmed()));
    }
    o.push_str(&head);
    o.push('\n');

    // Facts.
    let fact = |o: &mut String, label: &str, value: &str| {
        let pad = LABEL.saturating_sub(display_width(label));
        o.push_str(&format!(
            "  {}{}  {}\n",
            label.cyan(),
            " ".repeat(pad),
            for_terminal(value)
        ));
    };
    if let Some(p) = &rec.principal {
        fact(&mut o, l.who, p);
    }
    if let Some(a) = &rec.action {
        fact(&mut o, l.what, a);
    }
    if let Some(r) = &rec.resource {
        fact(&mut o, l.on, r);
    }
    if let Some(lk) = rec.source.lookup.as_deref() {
        lookup_facts(&mut o, lk, &l, &fact);
    }
    if let Some(w) = why(rec, lang) {
        let pad = LABEL.saturating_sub(display_width(l.why));
        o.push_str(&format!("  {}{}  ", l.why.cyan(), " ".repeat(pad)));
        o.push_str(wrap(&w, LABEL + 4, LABEL + 4).trim_start());
    }
    if rec.action.is_none() {
        if let Some(m) = rec.message.as_deref().filter(|m| !m.trim().is_empty()) {
            let pad = LABEL.saturating_sub(display_width(l.message));
            let short: String = m.chars().take(400).collect();
            let ell = if short.len() < m.len() { "…" } else { "" };
            o.push_str(&format!("  {}{}  ", l.message.cyan(), " ".repeat(pad)));
            o.push_str(
                wrap(
                    &format!("{}{ell}", for_terminal(&short)),
                    LABEL + 4,
                    LABEL + 4,
                )
                .trim_start(),
            );
        }
    }

    // The fix first.
    let mut remedies = rec.remedies.iter();
    if let Some(r) = remedies.next() {
        o.push('\n');
        remedy_block(&mut o, r, &l, verbose);
    }
    for r in remedies {
        if verbose {
            o.push('\n');
            remedy_block(&mut o, r, &l, true);
        } else {
            let line = format!("{} [{}] {}", l.also, r.id, for_terminal(&r.title));
            o.push_str(&format!("  {}", wrap(&line, 2, 4).trim_start().dimmed()));
        }
    }
    o.push('\n');
    o
}

fn remedy_block(o: &mut String, r: &Remedy, l: &Labels, verbose: bool) {
    let head = format!("{} [{}]", l.fix, r.id);
    o.push_str(&format!("  {} ", head.green().bold()));
    o.push_str(wrap(&for_terminal(&r.title), 4 + display_width(&head), 4).trim_start());
    if verbose && !r.explanation.is_empty() {
        for para in r.explanation.split("\n\n") {
            let flat = join_lines(para);
            o.push_str("    ");
            o.push_str(&wrap(&for_terminal(&flat), 4, 4));
        }
    }
    for (i, s) in r.steps.iter().enumerate() {
        let n = format!("{}. ", i + 1);
        let first = 4 + n.len();
        let body = wrap(&for_terminal(s), first, first);
        o.push_str(&format!("    {n}{}", body.trim_start()));
    }
    if let Some(p) = &r.policy {
        o.push_str(&format!("    {}\n", format!("{}:", l.policy).bold()));
        let pretty = serde_json::to_string_pretty(p).unwrap_or_default();
        for line in pretty.lines() {
            o.push_str(&format!("      {}\n", for_terminal(line)));
        }
    }
    if !r.apply.is_empty() {
        o.push_str(&format!("    {}\n", format!("{}:", l.apply).bold()));
        for c in &r.apply {
            o.push_str(&format!("      $ {}\n", for_terminal(c)));
        }
    }
    if !r.snippets.is_empty() {
        if verbose {
            for (k, v) in &r.snippets {
                o.push_str(&format!("    {}\n", format!("{k}:").bold()));
                for line in v.lines() {
                    o.push_str(&format!("      {}\n", for_terminal(line)));
                }
            }
        } else {
            let keys: Vec<&str> = r.snippets.keys().map(String::as_str).collect();
            o.push_str(&format!(
                "    {}\n",
                format!("(-v: {})", keys.join(", ")).dimmed()
            ));
        }
    }
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

/// Wrap `text` to the terminal width: the first line assumes `first` columns are used already,
/// later lines are indented by `indent`. Words wider than a line stay whole (ARNs, URLs,
/// commands); runs of Japanese text, which has no spaces, break between characters.
pub(crate) fn wrap(text: &str, first: usize, indent: usize) -> String {
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
        if !line_empty && col + 1 + w > WIDTH && !(breakable && col + 2 < WIDTH) {
            newline(&mut out, &mut col);
            line_empty = true;
        }
        if !line_empty {
            out.push(' ');
            col += 1;
        }
        if breakable && col + w > WIDTH {
            let mut prev_wide = false;
            for c in word.chars() {
                let cw = if is_wide(c) { 2 } else { 1 };
                // Break only next to a Japanese character, never inside an ASCII run
                // (`step-functions`); closing punctuation may hang past the edge.
                let may_break = is_wide(c) || prev_wide;
                let hangs = matches!(c, '、' | '。' | ')' | '」' | ',' | '.');
                if col + cw > WIDTH && col > indent && may_break && !hangs {
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
        colored::control::set_override(false);
        let text = render(&pass_role_record(), Lang::En, false);
        assert!(text.contains("fix [iam-pass-role]"));
        assert!(text.contains("\"iam:PassedToService\": \"ecs-tasks.amazonaws.com\""));
        assert!(text.contains("aws iam put-role-policy --role-name OrdersStateMachineRole"));
        assert!(text.contains("why"));
        for line in text.lines() {
            // Only unbreakable tokens (commands, ARNs, JSON lines with ARNs) may be longer.
            if display_width(line) > WIDTH {
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
        colored::control::set_override(false);
        let mut r = Record {
            error_code: Some("Oops\x1b[31m".into()),
            message: Some("bad \x1b]8;;http://x\x07link".into()),
            ..Record::default()
        };
        r.remedies = remedies_for(&r, Lang::En);
        let text = render(&r, Lang::En, true);
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(!text.contains('\x07'));
    }

    #[test]
    fn japanese_labels_and_wrapping() {
        colored::control::set_override(false);
        let mut r = pass_role_record();
        r.remedies = remedies_for(&r, Lang::Ja);
        let text = render(&r, Lang::Ja, true);
        assert!(text.contains("対処 [iam-pass-role]"));
        assert!(text.contains("理由"));
        for line in text.lines() {
            let t = line.trim_start();
            // Closing punctuation may hang one character past the edge.
            let hang = if t.ends_with(['。', '、']) { 2 } else { 0 };
            if display_width(line) > WIDTH + hang
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
