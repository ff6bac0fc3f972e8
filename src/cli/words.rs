//! The words of the CLI's own output (labels, headings, the "and N more" lines) in each
//! language of `--lang`; catalog texts and remedies are translated by the library.

use awsplain::Lang;

/// Every label a printer writes around the records' own text.
pub struct Words {
    pub lang: Lang,
    pub who: &'static str,
    pub what: &'static str,
    pub on: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub policy: &'static str,
    pub apply: &'static str,
    pub also: &'static str,
    pub message: &'static str,
    /// From `why`: what failed (state, resource, container) and the state's input.
    pub failed: &'static str,
    pub params: &'static str,
    /// The name of an error whose text gave no code.
    pub aws_error: &'static str,
    /// `--format short`: between the action and the resource.
    pub short_on: &'static str,
    /// GitHub annotations: the fix's title, the denied action, the request id.
    pub gh_fix: &'static str,
    pub gh_denied: &'static str,
    pub gh_request_id: &'static str,
    /// GitHub: the title of the notice that sums up what got no annotation.
    pub gh_notice_title: &'static str,
    /// GitHub step summary: the table's header row.
    pub gh_summary_columns: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Ja => &JA,
    }
}

static EN: Words = Words {
    lang: Lang::En,
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
    aws_error: "AWS error",
    short_on: "on",
    gh_fix: "Fix",
    gh_denied: "Denied action",
    gh_request_id: "Request ID",
    gh_notice_title: "awsplain: more AWS errors",
    gh_summary_columns:
        "| count | error | action | resource | first at | seen |\n|---:|---|---|---|---|---|",
};

static JA: Words = Words {
    lang: Lang::Ja,
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
    aws_error: "AWS エラー",
    short_on: "対象",
    gh_fix: "対処",
    gh_denied: "拒否された操作",
    gh_request_id: "リクエスト ID",
    gh_notice_title: "awsplain: ほかの AWS エラー",
    gh_summary_columns:
        "| 件数 | エラー | 操作 | 対象 | 最初の場所 | 発生 |\n|---:|---|---|---|---|---|",
};

impl Words {
    fn ja(&self) -> bool {
        self.lang == Lang::Ja
    }

    /// The code an error is shown by: its own, or "AWS error" in this language.
    pub fn code<'a>(&self, code: &'a str) -> &'a str {
        if code == EN.aws_error {
            self.aws_error
        } else {
            code
        }
    }

    /// `... and 31 more like this (first 09:00:01, ...)`; `like` is "this" or a label.
    pub fn more_like(&self, n: u64, like: Option<&str>, span: &str) -> String {
        let span = if span.is_empty() {
            String::new()
        } else {
            format!(" ({span})")
        };
        match (self.ja(), like) {
            (false, None) => format!("... and {n} more like this{span}"),
            (false, Some(l)) => format!("... and {n} more like {l}{span}"),
            (true, None) => format!("... ほかに同じエラーが {n} 件{span}"),
            (true, Some(l)) => format!("... ほかに {l} と同じエラーが {n} 件{span}"),
        }
    }

    /// Errors of which none was printed, summed in one line.
    pub fn more_not_shown(&self, n: u64, kinds: u64) -> String {
        match (self.ja(), kinds) {
            (false, 0) => format!("... and {n} more AWS errors not shown"),
            (false, k) => format!("... and {n} more AWS errors of {k} other kinds not shown"),
            (true, 0) => format!("... ほかに表示していない AWS エラーが {n} 件"),
            (true, k) => format!("... ほかに表示していない AWS エラーが {n} 件({k} 種類)"),
        }
    }

    /// `first 09:00:01, last 09:14:55`.
    pub fn first_last(&self, first: &str, last: &str) -> String {
        if self.ja() {
            format!("最初 {first}、最後 {last}")
        } else {
            format!("first {first}, last {last}")
        }
    }

    /// `lines 12-480`, or `line 12` when both are the same.
    pub fn lines(&self, first: u64, last: u64) -> String {
        match (self.ja(), first == last) {
            (false, true) => format!("line {first}"),
            (false, false) => format!("lines {first}-{last}"),
            (true, true) => format!("{first} 行目"),
            (true, false) => format!("{first}-{last} 行目"),
        }
    }

    pub fn elsewhere(&self, n: u64) -> String {
        if self.ja() {
            format!("ほかの入力に {n} 件")
        } else {
            format!("{n} in other sources")
        }
    }

    /// Between the parts of a span.
    pub fn comma(&self) -> &'static str {
        if self.ja() {
            "、"
        } else {
            ", "
        }
    }

    /// `AccessDenied iam:PassRole at app.log:12`: how a group is named.
    pub fn at(&self, what: &str, place: &str) -> String {
        if self.ja() {
            format!("{place} の {what}")
        } else {
            format!("{what} at {place}")
        }
    }

    /// Under a remedy without `-v`: which further forms `-v` adds.
    pub fn verbose_hint(&self, forms: &[&str]) -> String {
        let names: Vec<String> = forms.iter().map(|f| form_name(f)).collect();
        if self.ja() {
            format!("-v でほかの形式の対処も表示: {}", names.join("、"))
        } else {
            format!("more fixes with -v: {}", names.join(", "))
        }
    }

    /// Over a policy that the first command writes to `file`.
    pub fn policy_file(&self, file: &str) -> String {
        if self.ja() {
            format!("{}(このコマンドで {file} に保存):", self.policy)
        } else {
            format!("{} (this command saves it as {file}):", self.policy)
        }
    }

    /// GitHub: the first line of the notice over errors that got no annotation.
    pub fn gh_not_annotated(&self, n: u64, total: u64, per_error: u64) -> String {
        match (self.ja(), n) {
            (false, 1) => format!(
                "1 more AWS error not annotated ({total} shown at most, {per_error} per distinct error):"
            ),
            (false, n) => format!(
                "{n} more AWS errors not annotated ({total} shown at most, {per_error} per distinct error):"
            ),
            (true, n) => format!(
                "注釈なしの AWS エラーがほかに {n} 件(注釈は最大 {total} 件、同じエラーは {per_error} 件まで):"
            ),
        }
    }

    pub fn gh_more_distinct(&self, n: usize) -> String {
        if self.ja() {
            format!("... ほかに {n} 種類")
        } else {
            format!("... and {n} more distinct errors")
        }
    }

    /// GitHub step summary: its heading.
    pub fn gh_summary_heading(&self, n: u64, distinct: usize) -> String {
        match (self.ja(), n) {
            (false, 1) => format!("### awsplain: 1 AWS error, {distinct} distinct"),
            (false, n) => format!("### awsplain: {n} AWS errors, {distinct} distinct"),
            (true, n) => format!("### awsplain: AWS エラー {n} 件({distinct} 種類)"),
        }
    }

    pub fn gh_rest_in_other(&self, n: u64, kinds: usize) -> String {
        if self.ja() {
            format!("ほかに {kinds} 種類のエラーが {n} 件。")
        } else {
            format!("{n} more in {kinds} other distinct errors.")
        }
    }

    pub fn gh_not_grouped(&self, n: u64) -> String {
        if self.ja() {
            format!("ほかに {n} 件(エラーの種類が多すぎるため、まとめていません)。")
        } else {
            format!("{n} more not grouped (too many distinct errors).")
        }
    }

    /// GitHub: an annotation's title, `AccessDeniedException calling ecs RunTask`.
    pub fn calling(&self, code: &str, call: &str) -> String {
        if self.ja() {
            format!("{code}({call} の呼び出し)")
        } else {
            format!("{code} calling {call}")
        }
    }

    /// GitHub: where an event of `tail` was, since the runner has no file to point at.
    pub fn log_event_at(&self, group: &str, stream: Option<&str>, time: Option<&str>) -> String {
        let ja = self.ja();
        let mut at = if ja {
            format!("ロググループ: {group}")
        } else {
            format!("Log group: {group}")
        };
        if let Some(stream) = stream {
            at.push_str(&if ja {
                format!("、ストリーム {stream}")
            } else {
                format!(", stream {stream}")
            });
        }
        if let Some(t) = time {
            at.push_str(&if ja {
                format!("、時刻 {t}")
            } else {
                format!(", at {t}")
            });
        }
        at
    }

    /// `run`: the heading over the explanations after the command's output.
    pub fn run_heading(&self, n: u64) -> String {
        match (self.ja(), n) {
            (false, 1) => "awsplain: 1 AWS error in the command's output:".to_string(),
            (false, n) => format!("awsplain: {n} AWS errors in the command's output:"),
            (true, n) => format!("awsplain: コマンドの出力に AWS エラーが {n} 件:"),
        }
    }
}

/// The name a snippet's key stands for (`cloudformation` → CloudFormation).
fn form_name(key: &str) -> String {
    match key {
        "cloudformation" => "CloudFormation".into(),
        "terraform" => "Terraform".into(),
        "cdk" => "CDK".into(),
        "cli" => "AWS CLI".into(),
        "console" => "Console".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_names_the_forms_in_words() {
        assert_eq!(
            words(Lang::En).verbose_hint(&["cloudformation", "terraform"]),
            "more fixes with -v: CloudFormation, Terraform"
        );
        assert!(words(Lang::Ja)
            .verbose_hint(&["terraform"])
            .contains("Terraform"));
    }

    #[test]
    fn lines_and_repeats() {
        let en = words(Lang::En);
        assert_eq!(en.lines(3, 3), "line 3");
        assert_eq!(en.lines(3, 9), "lines 3-9");
        assert_eq!(
            en.more_like(31, None, "lines 2-66"),
            "... and 31 more like this (lines 2-66)"
        );
        assert_eq!(
            words(Lang::Ja).more_like(2, None, ""),
            "... ほかに同じエラーが 2 件"
        );
    }
}
