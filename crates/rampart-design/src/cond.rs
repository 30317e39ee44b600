//! The conditions threats are derived from: typed predicates over one element of the
//! data-flow model (a component or a flow), combined with `all`, `any` and `not`.
//!
//! The language is total: a condition is a finite tree of `'static` values, every
//! predicate is a lookup in the already-parsed model, so evaluation always ends and
//! never fails. There is no text form to parse and nothing is evaluated as code.

use std::fmt;

use rampart_core::system::{
    Component, ComponentKind, DataClass, DataFlow, ModelSource, SystemDescription, ToolEffect,
};

/// A typed attribute of a component (`rampart.toml` `[[components]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    /// `processes_untrusted_input`
    ProcessesUntrustedInput,
    /// `has_rag`
    HasRag,
    /// `executes_code`
    ExecutesCode,
    /// `holds_personal_data`
    HoldsPersonalData,
    /// `holds_secrets`
    HoldsSecrets,
    /// `third_party_hosted`
    ThirdPartyHosted,
    /// `has_memory`
    HasMemory,
    /// `learns_from_feedback`
    LearnsFromFeedback,
    /// `output_rendered`
    OutputRendered,
    /// `internet_facing`
    InternetFacing,
}

impl Attr {
    /// The key in `rampart.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Attr::ProcessesUntrustedInput => "processes_untrusted_input",
            Attr::HasRag => "has_rag",
            Attr::ExecutesCode => "executes_code",
            Attr::HoldsPersonalData => "holds_personal_data",
            Attr::HoldsSecrets => "holds_secrets",
            Attr::ThirdPartyHosted => "third_party_hosted",
            Attr::HasMemory => "has_memory",
            Attr::LearnsFromFeedback => "learns_from_feedback",
            Attr::OutputRendered => "output_rendered",
            Attr::InternetFacing => "internet_facing",
        }
    }

    fn of(self, c: &Component) -> bool {
        match self {
            Attr::ProcessesUntrustedInput => c.processes_untrusted_input,
            Attr::HasRag => c.has_rag,
            Attr::ExecutesCode => c.executes_code,
            Attr::HoldsPersonalData => c.holds_personal_data,
            Attr::HoldsSecrets => c.holds_secrets,
            Attr::ThirdPartyHosted => c.third_party_hosted,
            Attr::HasMemory => c.has_memory,
            Attr::LearnsFromFeedback => c.learns_from_feedback,
            Attr::OutputRendered => c.output_rendered,
            Attr::InternetFacing => c.internet_facing,
        }
    }
}

/// A condition over one element of the model.
#[derive(Debug, Clone, Copy)]
pub enum Cond {
    /// Component: of this kind.
    Kind(ComponentKind),
    /// Component: has this attribute.
    Attr(Attr),
    /// Component: can call a tool with this effect.
    ToolEffect(ToolEffect),
    /// Component: can call at least one tool.
    HasTools,
    /// Component: runs a `[[models]]` entry with this source.
    ModelSource(ModelSource),
    /// Component: runs a model whose weights are a file or folder here (`path`).
    WeightsOnDisk,
    /// Flow: carries this data class.
    Carries(DataClass),
    /// Flow: crosses a trust boundary (declared, or different zones).
    CrossesZone,
    /// Flow: no encrypted protocol named (`https`, `tls`, `grpcs`, `wss`, `sftp`, `mtls`).
    Unencrypted,
    /// Flow: its source satisfies the condition.
    From(&'static Cond),
    /// Flow: its destination satisfies the condition.
    To(&'static Cond),
    /// Every condition holds.
    All(&'static [Cond]),
    /// At least one holds.
    Any(&'static [Cond]),
    /// Does not hold.
    Not(&'static Cond),
}

/// An element of the model a threat is derived on.
#[derive(Debug, Clone, Copy)]
pub enum Element<'a> {
    /// A component (declared, or a model without a component).
    Component(&'a Component),
    /// A data flow.
    Flow(&'a DataFlow),
}

/// Protocols counted as encrypted.
pub const ENCRYPTED_PROTOCOLS: &[&str] = &["https", "tls", "mtls", "grpcs", "wss", "sftp", "ssh"];

impl Cond {
    /// Whether the condition holds for `element` of `system`.
    pub fn eval(
        &self,
        system: &SystemDescription,
        components: &[Component],
        element: Element<'_>,
    ) -> bool {
        let lookup = |id: &str| components.iter().find(|c| c.id == id);
        match (*self, element) {
            (Cond::All(cs), _) => cs.iter().all(|c| c.eval(system, components, element)),
            (Cond::Any(cs), _) => cs.iter().any(|c| c.eval(system, components, element)),
            (Cond::Not(c), _) => !c.eval(system, components, element),
            (Cond::Kind(k), Element::Component(c)) => c.kind == k,
            (Cond::Attr(a), Element::Component(c)) => a.of(c),
            (Cond::ToolEffect(effect), Element::Component(c)) => c.tools.iter().any(|name| {
                system
                    .tools
                    .iter()
                    .any(|t| &t.name == name && t.effects.contains(&effect))
            }),
            (Cond::HasTools, Element::Component(c)) => !c.tools.is_empty(),
            (Cond::ModelSource(source), Element::Component(c)) => {
                model_of(system, c).is_some_and(|m| m.source == source)
            }
            (Cond::WeightsOnDisk, Element::Component(c)) => model_of(system, c)
                .is_some_and(|m| m.path.is_some() && m.source != ModelSource::ExternalApi),
            (Cond::Carries(class), Element::Flow(f)) => f.data_classes.contains(&class),
            (Cond::CrossesZone, Element::Flow(f)) => system.flow_crosses_zone(f),
            (Cond::Unencrypted, Element::Flow(f)) => !f.protocol.as_deref().is_some_and(|p| {
                ENCRYPTED_PROTOCOLS
                    .iter()
                    .any(|e| p.eq_ignore_ascii_case(e))
            }),
            (Cond::From(c), Element::Flow(f)) => {
                lookup(&f.from).is_some_and(|x| c.eval(system, components, Element::Component(x)))
            }
            (Cond::To(c), Element::Flow(f)) => {
                lookup(&f.to).is_some_and(|x| c.eval(system, components, Element::Component(x)))
            }
            _ => false,
        }
    }

    /// Whether the condition is about flows (else about components).
    pub fn on_flows(&self) -> bool {
        match *self {
            Cond::Carries(_)
            | Cond::CrossesZone
            | Cond::Unencrypted
            | Cond::From(_)
            | Cond::To(_) => true,
            Cond::All(cs) | Cond::Any(cs) => cs.iter().any(Cond::on_flows),
            Cond::Not(c) => c.on_flows(),
            _ => false,
        }
    }
}

fn model_of<'a>(
    system: &'a SystemDescription,
    c: &Component,
) -> Option<&'a rampart_core::system::Model> {
    let id = c.model.as_deref()?;
    system.models.iter().find(|m| m.id == id)
}

fn kind_name(k: ComponentKind) -> &'static str {
    k.as_str()
}

fn effect_name(e: ToolEffect) -> &'static str {
    match e {
        ToolEffect::Read => "read",
        ToolEffect::Write => "write",
        ToolEffect::External => "external",
        ToolEffect::Financial => "financial",
        ToolEffect::Execute => "execute",
    }
}

fn source_name(s: ModelSource) -> &'static str {
    match s {
        ModelSource::ExternalApi => "external-api",
        ModelSource::SelfHosted => "self-hosted",
        ModelSource::FineTuned => "fine-tuned",
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, name: &str, cs: &[Cond]| -> fmt::Result {
            write!(f, "{name}(")?;
            for (i, c) in cs.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{c}")?;
            }
            write!(f, ")")
        };
        match *self {
            Cond::Kind(k) => write!(f, "kind = {}", kind_name(k)),
            Cond::Attr(a) => write!(f, "{}", a.key()),
            Cond::ToolEffect(e) => write!(f, "tool effect {}", effect_name(e)),
            Cond::HasTools => write!(f, "has tools"),
            Cond::ModelSource(s) => write!(f, "model source = {}", source_name(s)),
            Cond::WeightsOnDisk => write!(f, "model weights on disk"),
            Cond::Carries(c) => write!(f, "carries {}", c.as_str()),
            Cond::CrossesZone => write!(f, "crosses trust boundary"),
            Cond::Unencrypted => write!(f, "unencrypted protocol"),
            Cond::From(c) => write!(f, "from[{c}]"),
            Cond::To(c) => write!(f, "to[{c}]"),
            Cond::All(cs) => list(f, "all", cs),
            Cond::Any(cs) => list(f, "any", cs),
            Cond::Not(c) => write!(f, "not({c})"),
        }
    }
}

/// The components threats are derived on: the declared ones, plus one of kind
/// `model` for every `[[models]]` entry no component runs (so version-1 files, with
/// models but no components, still get their model threats). An external-API model
/// counts as third-party hosted.
pub fn effective_components(system: &SystemDescription) -> Vec<Component> {
    let mut out = system.components.clone();
    for m in &system.models {
        if system
            .components
            .iter()
            .any(|c| c.model.as_deref() == Some(&m.id))
        {
            continue;
        }
        out.push(Component {
            id: m.id.clone(),
            kind: ComponentKind::Model,
            name: m.name.clone(),
            model: Some(m.id.clone()),
            third_party_hosted: m.source == ModelSource::ExternalApi,
            ..Component::default()
        });
    }
    out
}
