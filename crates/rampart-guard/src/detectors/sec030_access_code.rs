use rampart_core::declare_rule;

use super::util::before;
use super::{Detector, Engine, Hit, TokenRule, ALL};
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a numeric code that opens or confirms something, in English, German,
    /// French, Spanish, Italian, Portuguese or Dutch: door, gate, alarm, safe and
    /// key-box codes, phone-unlock and voicemail PINs, SIM PUKs, one-time, verification
    /// and TAN codes, and lock combinations ("alarm panel by the back door, code 7391",
    /// "Ihr Bestätigungscode lautet 740318", "code van de portiek is 3 8 0 5",
    /// "combinatie 19-62-33", "cofre … código 4403", "Tor geht mit 9-1-9-0", "le
    /// portail s'ouvre avec 0-8-1-5"), and the PINs of bank cards and tills ("el pin es
    /// 1592" near a card or cash machine, "Freigabe-PIN 7730" near the till). The code
    /// has 4 to 8 digits, which may be written apart (`3-1-4-1`); after a word for a
    /// door or entry code (`Digicode`, `Türcode`, "door code", "código del portal")
    /// it may also mix one to three capital letters with the digits (`47B92`).
    ///
    /// ## Why is this dangerous?
    /// People paste house-sitter notes, hand-over sheets and "is this text a scam?"
    /// questions with the code in them; a door or alarm code opens a home, a one-time
    /// code completes someone else's login or payment.
    ///
    /// ## Example
    /// ```text
    /// - alarm panel is by the back door, code 7391 then press OFF
    /// ```
    ///
    /// ## Remediation
    /// Redact; change the code if it left the household or company.
    ///
    /// ## False positives
    /// A word that names what the code opens or confirms is required: a compound
    /// (`Türcode`, "verification code", "code d'accès", `pincode`, `TAN`, `PUK`) or, for
    /// a bare "code", "PIN" or "código" (up to 40 characters before the digits), or
    /// "opens with", a door, alarm, safe, phone, login, card, till or bank word within
    /// the 120 bytes before it. Error, status, postal, promo, tracking, order,
    /// booking, product and bank-sort codes are not reported, nor runs of one digit,
    /// sequences (`1234`), years, dates, times and amounts.
    ///
    /// ## References
    /// Guidelines SD-3, DP-2.
    pub(crate) static RULE = {
        code: "SEC030",
        name: "access-code",
        severity: High,
        guidelines: [Sd3, Dp2],
        summary: "A code that opens a door, alarm, safe or phone, or confirms a login (7 languages)",
    }
}

/// 4 to 8 digits, which may be written apart by single spaces or hyphens.
macro_rules! code_value {
    () => {
        r"(?P<v>[0-9](?:[ \-]?[0-9]){3,7})(?-u:\b)"
    };
}

static RULES: &[TokenRule] = &[
    // a word that says what the code opens or confirms
    TokenRule {
        re: concat!(
            r"(?-u:\b)(?:[Tt]ürcode|[Tt]orcode|[Aa]larmcode|ALARMCODE|[Kk]eypad\scode|[Dd]oor\scode|[Gg]ate\scode|[Aa]larm\scode|[Ss]afe\scode|[Ll]ock\scode|[Vv]erification\scode|[Cc]onfirmation\scode|[Ss]ecurity\scode|[Oo]ne-time\s(?:code|passcode)|OTP|[Pp]asscode|PUK|TAN|pushTAN|[Pp]incode|PINCODE|[Pp]in\scode|PIN-Code|[Pp]in-Code|[Bb]estätigungscode|[Ss]icherheitscode|[Ee]inmalcode|[Ee]ntsperrcode|[Zz]ugangscode|[Zz]ahlencode|[Tt]resorcode|[Dd]igicode|[Cc]ode\sd'accès|[Cc]ode\sde\svérification|[Cc]ode\sde\sconfirmation|[Cc]ode\sde\sla\sporte|[Cc]ódigo\sde\sverificación|[Cc]ódigo\sde\sacceso|[Cc]ódigo\sde\sseguridad|[Cc]ódigo\sde\sverificação|[Cc]ódigo\sde\sacesso|[Cc]odice\sdi\sverifica|[Cc]odice\sdi\saccesso|[Cc]odice\sdi\ssicurezza|[Vv]erificatiecode|[Tt]oegangscode|[Bb]eveiligingscode|[Cc]ombinatie|[Cc]ombinación|[Cc]ombinaison|[Cc]ombinazione|[Cc]ombinação|[Vv]oicemail\s[Pp]in|[Vv]oicemail\sPIN)(?-u:\b)",
            r"[^\n0-9]{0,40}?",
            code_value!()
        ),
        validate,
    },
    // a door or entry code with letters (`Digicode : 47B92`, "Türcode A7193"): the
    // word must name an entry, and the code mix digits with capital letters
    TokenRule {
        re: concat!(
            r"(?-u:\b)(?:[Dd]igicode|DIGICODE|[Tt]ürcode|[Tt]orcode|[Hh]austürcode|[Dd]oor\scode|[Gg]ate\scode|[Kk]eypad\scode|[Ee]ntry\scode|[Cc]ode\sd'(?:accès|entrée)|[Cc]ode\sde\sla\sporte|[Cc]ode\sde\sl'immeuble|[Cc]ódigo\sdel\sportal|[Cc]ódigo\sde\sla\spuerta|[Cc]odice\sdel\sportone|[Cc]odice\sdel\scancello|[Cc]ódigo\sdo\sportão|[Dd]eurcode|[Pp]oortcode)(?-u:\b)",
            r"[^\n0-9A-Z]{0,40}?",
            r"(?-u:\b)(?P<v>[0-9A-Z]{4,8})(?-u:\b)"
        ),
        validate: validate_lettered,
    },
    // a bare "code", "PIN", "código", "codice", "c'est": what it opens must be named
    // nearby
    TokenRule {
        re: concat!(
            r"(?-u:\b)(?:[Cc]ode|CODE|[Cc]ódigo|CÓDIGO|[Cc]odice|CODICE|[Pp]in|PIN)(?-u:\b)",
            r"[^\n0-9]{0,40}?",
            code_value!()
        ),
        validate: validate_named,
    },
    // "opens with …": the gate, door or key box it opens must be named nearby
    TokenRule {
        re: concat!(
            r"(?:opens\swith|[öÖ]ffnet\s(?:sich\s)?mit|geht\smit|s'ouvre\savec|ouvre\savec|abre\scon|se\sabre\scon|si\sapre\scon|apre\scon|abre\scom|opent\smet|gaat\sopen\smet)",
            r"[^\n0-9]{0,12}?",
            code_value!()
        ),
        validate: validate_named,
    },
];

/// What a code opens or confirms (lowercase stems, seven languages).
const OPENS: &[&str] = &[
    "alarm",
    "door",
    "gate",
    "garage",
    "keypad",
    "safe",
    "lock",
    "unlock",
    "key box",
    "lockbox",
    "phone",
    "iphone",
    "voicemail",
    "verif",
    "confirm",
    "log in",
    "login",
    "sign in",
    "2fa",
    "two-step",
    "two-factor",
    "sim",
    "tür",
    "tor ",
    "tresor",
    "schloss",
    "entsperr",
    "handy",
    "mailbox",
    "bestätig",
    "anmeld",
    "porte",
    "portail",
    "alarme",
    "coffre",
    "cadenas",
    "déverrouill",
    "portable",
    "messagerie",
    "connexion",
    "puerta",
    "caja fuerte",
    "candado",
    "desbloque",
    "móvil",
    "buzón",
    "acceso",
    "cancello",
    "allarme",
    "cassaforte",
    "lucchetto",
    "sblocc",
    "cellulare",
    "segreteria",
    "accesso",
    "portão",
    "cofre",
    "cadeado",
    "telemóvel",
    "celular",
    "correio de voz",
    "acesso",
    "deur",
    "poort",
    "kluis",
    "ontgrendel",
    "telefoon",
    "portiek",
    "inloggen",
    "toegang",
    "whatsapp",
    "authenticat",
    "autentica",
    "sms",
    "virement",
    "überweisung",
    "transferencia",
    "bonifico",
    "kasse",
    "caisse",
    "caja",
    "cassa",
    "caixa",
    "kassa",
    "tpv",
    "card",
    "karte",
    "carte",
    "tarjeta",
    "carta",
    "cartão",
    "kaart",
    "cajero",
    "geldautomat",
    "distributeur",
    "bancomat",
    "multibanco",
    "pinautomaat",
    "atm",
    "portal",
    "boîte à clé",
    "schlüsselkasten",
    "sleutelkastje",
    "barrier",
    "barrière",
    "schranke",
    "barrera",
    "sbarra",
    "cancela",
    "slagboom",
];

/// Codes that are not secrets, named just before the number.
const NOT_SECRET: &[&str] = &[
    "error",
    "fehler",
    "erreur",
    "errore",
    "erro ",
    "erro:",
    "de erro",
    "fout",
    "exception",
    "status",
    "exit",
    "http",
    "postal",
    "post code",
    "postcode",
    "zip",
    "postleitzahl",
    "promo",
    "discount",
    "rabatt",
    "gutschein",
    "coupon",
    "voucher",
    "tracking",
    "sendung",
    "area code",
    "country code",
    "product",
    "artikel",
    "qr",
    "source",
    "booking",
    "buchung",
    "réservation",
    "reserva",
    "prenotazione",
    "customer",
    "kunden",
    "client",
    "order",
    "bestell",
    "commande",
    "pedido",
    "ordine",
    "invoice",
    "rechnung",
    "factura",
    "fattura",
    "tax",
    "steuer",
    "bank code",
    "bankleitzahl",
    "blz",
    "sort code",
    "swift",
    "bic",
    "iban",
    "ean",
    "isbn",
    "sku",
    "iata",
    "flight",
    "vuelo",
    "volo",
    "flug",
    "vol ",
];

fn validate(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let digits: Vec<u8> = v.bytes().filter(u8::is_ascii_digit).collect();
    let b = text.as_bytes();
    let next = b.get(e).copied();
    let after = b.get(e + 1).copied();
    // a decimal, a time, a longer number, an amount or a unit
    let glued = matches!(next, Some(b'.' | b',' | b':' | b'/' | b'-'))
        && after.is_some_and(|c| c.is_ascii_digit());
    let rest = text
        .get(e..)
        .unwrap_or("")
        .trim_start()
        .chars()
        .take(3)
        .collect::<String>()
        .to_ascii_lowercase();
    let unit = [
        "€", "$", "£", "%", "eur", "usd", "mm", "cm", "kg", "km", "ms", "px",
    ]
    .iter()
    .any(|u| rest.starts_with(u));
    let same = digits
        .first()
        .is_some_and(|&f| digits.iter().all(|&c| c == f));
    let run =
        digits.windows(2).all(|w| w[1] == w[0] + 1) || digits.windows(2).all(|w| w[0] == w[1] + 1);
    // `12-03-2024`, `2024`: a date or a year
    let year = digits.len() == 4 && (digits.starts_with(b"19") || digits.starts_with(b"20"));
    let date = v.matches('-').count() == 2 && v.split('-').map(str::len).eq([2, 2, 4]);
    let head = before(text, s, 50);
    let named_other = NOT_SECRET.iter().any(|w| head.contains(w));
    // the digits of an identifier (`E-4410`, `AUTH_2847`, `OMEGA-7749`)
    let prev = s.checked_sub(1).and_then(|i| b.get(i)).copied();
    let prev2 = s.checked_sub(2).and_then(|i| b.get(i)).copied();
    let in_identifier = matches!(prev, Some(b'-' | b'_'))
        && prev2.is_some_and(|c| c.is_ascii_alphanumeric())
        || prev.is_some_and(|c| c.is_ascii_alphabetic());
    // a group of a longer number (`+44 7700 900123`), not a code of its own
    let longer = matches!(prev, Some(b' ' | b'-')) && prev2.is_some_and(|c| c.is_ascii_digit())
        || matches!(next, Some(b' ' | b'-')) && after.is_some_and(|c| c.is_ascii_digit());
    let ok = !glued && !longer && !unit && !same && !run && !date && !named_other && !in_identifier;
    (ok && !(year && digits.len() == v.len())).then_some((0.85, s, e))
}

/// A door code with letters: two digits or more and a capital letter (a code of
/// digits alone is the first rule's), not a word in capitals.
fn validate_lettered(text: &str, s: usize, e: usize) -> Option<Hit> {
    let v = text.get(s..e)?;
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    let letters = v.len() - digits;
    (digits >= 2 && (1..=3).contains(&letters)).then_some((0.85, s, e))
}

/// A bare "code" or "PIN", or "opens with", counts when a word for what it opens or
/// confirms (a door, gate, alarm, phone, card, till, bank transfer, authenticator…)
/// stands within the 120 bytes before the value.
fn validate_named(text: &str, s: usize, e: usize) -> Option<Hit> {
    let ctx = before(text, s, 120);
    OPENS
        .iter()
        .any(|w| ctx.contains(w))
        .then(|| validate(text, s, e))
        .flatten()
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Secret,
    placeholder: "ACCESS_CODE",
    roles: ALL,
    weak: false,
    engine: Engine::Tokens(RULES),
};
