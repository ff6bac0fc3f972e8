//! Remedies as they are built, before they become [`Remedy`] structs or JSON.
//!
//! Most of a remedy is catalog text and fixed commands that live as long as the program, and
//! its identity policy is written as JSON text anyway (for the `put-*-policy` command). A
//! draft borrows the former and keeps the latter as text, so that the JSON printer, which
//! never needs the structs, writes a remedy without copying catalog texts into new strings or
//! building and printing a `serde_json::Value`.

use crate::record::Remedy;
use serde_json::Value;
use std::borrow::Cow;

/// A text of a draft: borrowed from the catalog or built for the record.
pub type Text = Cow<'static, str>;

/// What a draft becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Remedy,
    /// JSON: artifacts may be made as the JSON strings the output lines hold.
    Json,
}

/// One remedy being built: the fields of [`Remedy`], in cheaper forms.
#[derive(Debug)]
pub struct Draft {
    pub form: Form,
    pub id: &'static str,
    pub title: Text,
    pub explanation: Text,
    pub steps: Vec<Text>,
    pub policy: Option<Policy>,
    pub apply: Vec<Artifact>,
    /// Sorted by key, as the map of [`Remedy::snippets`] holds them.
    snippets: Vec<(&'static str, Artifact)>,
}

/// A command or snippet of a draft.
#[derive(Debug)]
pub enum Artifact {
    Text(Text),
    /// The text as the JSON string (quotes included) the output lines hold for it, made so
    /// while building (drafts of [`Form::Json`]): texts that hold a policy document cost less
    /// to write escaped than to escape once written, the document being mostly quotes and
    /// line breaks.
    Json(Vec<u8>),
}

impl Artifact {
    fn into_string(self) -> String {
        match self {
            Artifact::Text(t) => t.into_owned(),
            Artifact::Json(j) => serde_json::from_slice(&j).expect("a JSON string"),
        }
    }
}

/// The policy document of a remedy.
#[derive(Debug)]
pub enum Policy {
    /// The document as compact JSON text, byte for byte what serde_json prints for its value.
    Json(Text),
    Value(Value),
}

impl Draft {
    pub fn new(
        form: Form,
        id: &'static str,
        title: Text,
        explanation: Text,
        steps: Vec<Text>,
    ) -> Draft {
        Draft {
            form,
            id,
            title,
            explanation,
            steps,
            policy: None,
            apply: Vec::new(),
            snippets: Vec::new(),
        }
    }

    /// Add a step.
    pub fn step(&mut self, text: impl Into<Text>) {
        self.steps.push(text.into());
    }

    /// Add a command that applies the fix.
    pub fn command(&mut self, cmd: impl Into<Text>) {
        self.apply.push(Artifact::Text(cmd.into()));
    }

    /// Set the snippet for `tool`, replacing any it had.
    pub fn set_snippet(&mut self, tool: &'static str, text: impl Into<Text>) {
        self.set_snippet_artifact(tool, Artifact::Text(text.into()));
    }

    /// [`Draft::set_snippet`] for a snippet that may be made as JSON.
    pub fn set_snippet_artifact(&mut self, tool: &'static str, snippet: Artifact) {
        match self.snippets.binary_search_by(|(k, _)| k.cmp(&tool)) {
            Ok(i) => self.snippets[i].1 = snippet,
            Err(i) => self.snippets.insert(i, (tool, snippet)),
        }
    }

    /// The snippets, sorted by tool.
    pub fn snippets(&self) -> &[(&'static str, Artifact)] {
        &self.snippets
    }

    /// The remedy as the library hands it out.
    pub fn into_remedy(self) -> Remedy {
        let owned = |v: Vec<Text>| v.into_iter().map(Cow::into_owned).collect();
        Remedy {
            id: self.id.to_string(),
            title: self.title.into_owned(),
            explanation: self.explanation.into_owned(),
            steps: owned(self.steps),
            policy: self.policy.map(|p| match p {
                // The text is what serde_json prints for the document, so it reads back as
                // the same value.
                Policy::Json(text) => {
                    serde_json::from_str(&text).expect("a generated policy is valid JSON")
                }
                Policy::Value(v) => v,
            }),
            apply: self.apply.into_iter().map(Artifact::into_string).collect(),
            snippets: self
                .snippets
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into_string()))
                .collect(),
        }
    }
}
