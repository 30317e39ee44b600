use std::collections::HashMap;
use std::sync::OnceLock;

use rampart_core::declare_rule;

use super::{Detector, Engine, ALL};
use crate::engine::RawHit;
use crate::types::Category;

declare_rule! {
    /// ## What it does
    /// Reports a person's full name: a known given name followed by a family name
    /// ("Priya Raman", "Michael J. Okafor", "Anna Maria de Vries", "HANNAH
    /// O'SULLIVAN"), or a title followed by a family name ("Mr Pryce", "Herrn Maier",
    /// "Mme Leroy", "Sra. López", "Sig.ra Bianchi", "dhr. Jansen"), and a given name
    /// alone after a given-name field's label, a kinship word or before a phone
    /// number ("Vorname: Florian", "unser Sohn Felix", "Lucie 06 52 90 38 14"). In a
    /// person's record (below) a given name alone counts anywhere ("Paul wird 6 …
    /// Brunnenstraße 9, 72764 Reutlingen", a signature, a CSV cell), and a known
    /// family name alone after a family-name label or a doorbell word ("Nachname:
    /// Richter", "Citofono \"Cortesi\""). The
    /// given and family names come from the person-name lists of 44 locales (Faker,
    /// MIT), built by `scripts/guard/names.py`.
    ///
    /// A name is acted on (score 0.7) in a person's record: a text that also holds
    /// other personal data (a phone number, an e-mail or postal address, a date of
    /// birth, an identifier), or a form's given-name field. In a text without other
    /// personal data it is reported with score 0.5, below the default policy's
    /// `min_score`: "summarise what Angela Merkel said" keeps its subject.
    ///
    /// ## Why is this dangerous?
    /// A full name identifies a person, and next to an address, a phone number or a
    /// date of birth it makes the rest of the record theirs. Customer names pasted
    /// into prompts reach an external model with everything around them.
    ///
    /// ## Example
    /// ```text
    /// Recipient Priya Raman, 8 Kestrel Close, Earley
    /// ```
    ///
    /// ## Remediation
    /// Redact before the text leaves the trust boundary; refer to customers by an id.
    ///
    /// ## False positives
    /// A given name alone ("Hi Anna") is not reported in a text without other
    /// personal data, nor a name after a place word ("Santa Maria Novella", "Rue
    /// Victor Hugo", "Hotel Albert Premier"), nor a name
    /// followed by a word that names a place, an organisation or a thing ("Victoria
    /// Station", "Ford Motor Company", "Grace Period"). A given name that is also an
    /// ordinary word or a place ("May", "Grace", "Paris", "Mercedes") counts only
    /// before a known family name. Public figures' names are reported like anyone's,
    /// and a fictional character's name is not told from a real person's; in a text
    /// without other personal data neither is acted on by default. A request whose
    /// name is acted on in one message and not in another (no other personal data
    /// there) sends the second one as it is.
    ///
    /// ## References
    /// GDPR Art. 4(1) (a name identifies a person); guidelines SD-3, OM-2.
    pub(crate) static RULE = {
        code: "PII018",
        name: "person-name",
        severity: Medium,
        guidelines: [Sd3, Om2],
        summary: "Person's full name (a known given name and a family name, or a title and a family name)",
    }
}

/// The score of a name the guard acts on (the default policy redacts personal data
/// from 0.6): any name in a text that holds other personal data (a phone number, an
/// e-mail or postal address, a date of birth, an identifier: a person's record), and a
/// given name that a form's label marks as one or a phone number follows.
const ACTED: f32 = 0.7;

/// The score of a name in a text with no other personal data: reported, not acted on
/// by default. "Summarise Barack Obama's speech", a novel's characters, a
/// news story: redacting every name sent to a model would take the subject out of the
/// question, and the benign news and book passages of the evaluation set hold
/// hundreds of them.
const ALONE: f32 = 0.5;

/// The message of a name reported with [`ALONE`].
const ALONE_NOTE: &str =
    "Person's full name, in a text with no other personal data (reported, not acted on by default)";

/// Longest run of capitalised words judged as one (a longer one is judged in parts).
const MAX_WORDS: usize = 8;

/// Sorted lists, one name a line (see `scripts/guard/names.py`).
static GIVEN_NAMES: &str = include_str!("../../data/given_names.txt");
static SURNAMES: &str = include_str!("../../data/surnames.txt");
static COMMON_WORD_NAMES: &str = include_str!("../../data/common_word_names.txt");

/// Given names that are also places, brands, months or ordinary words in one of the
/// seven languages (the generated list reads mostly English text): like
/// [`COMMON_WORD_NAMES`], they count only before a known family name.
const AMBIGUOUS: &[&str] = &[
    "Paris",
    "France",
    "Victoria",
    "Jordan",
    "Florence",
    "Georgia",
    "Chelsea",
    "Sydney",
    "Austin",
    "Lincoln",
    "Washington",
    "Houston",
    "Dallas",
    "Madison",
    "Phoenix",
    "Santiago",
    "Valencia",
    "Lourdes",
    "Mercedes",
    "Lorraine",
    "Savannah",
    "Charlotte",
    "Adelaide",
    "Alexandria",
    "Regina",
    "Orlando",
    "Denver",
    "Cleveland",
    "Dakota",
    "Carolina",
    "Virginia",
    "Indiana",
    "Montana",
    "Nevada",
    "Asia",
    "Africa",
    "America",
    "Europa",
    "Roma",
    "Siena",
    "Verona",
    "Genova",
    "Lucca",
    "Bruges",
    "Lyon",
    "Nancy",
    "Lille",
    "Sofia",
    "Vienna",
    "Angel",
    "Ángel",
    "Rosa",
    "Rose",
    "Mark",
    "Marks",
    "Bill",
    "Pat",
    "Will",
    "May",
    "June",
    "July",
    "April",
    "August",
    "Augusta",
    "Janvier",
    "Mai",
    "Juni",
    "Juli",
    "Mayo",
    "Abril",
    "Maio",
    "Paz",
    "Luz",
    "Sol",
    "Mar",
    "Pilar",
    "Dolores",
    "Amparo",
    "Consuelo",
    "Rocío",
    "Victoire",
    "Prudence",
    "Constance",
    "Grace",
    "Hope",
    "Faith",
    "Joy",
    "Summer",
    "Winter",
    "Autumn",
    "Dawn",
    "Sky",
    "Rain",
    "Storm",
    "Star",
    "Crystal",
    "Amber",
    "Ruby",
    "Pearl",
    "Jade",
    "Ivy",
    "Holly",
    "Iris",
    "Lily",
    "Violet",
    "Hazel",
    "Olive",
    "Daisy",
    "Heather",
    "Jasmine",
    "Basil",
    "Earnest",
    "Alfa",
    "Romeo",
    "Justice",
    "Liberty",
    "Harmony",
    "Melody",
    "Destiny",
    "Trinity",
    "Christian",
    "Cristiano",
    "Angelo",
    "Dante",
    "Mario",
    "Sonic",
    "Tesla",
    "Porsche",
    "Ferrari",
    "Lancia",
    "Chevrolet",
    "Dodge",
    "Ford",
    "Lincoln",
    "Nokia",
    "Siri",
    "Alexa",
    "Cortana",
    "Claude",
    "Gemini",
    "Ada",
    "Julia",
    "Ruby",
    "Rust",
    "Dart",
    "Elixir",
    "Django",
    "Flask",
    "Jenkins",
    "Kafka",
    "Hadoop",
    "Nginx",
    "Apache",
    "Oracle",
    "Sage",
    "Chase",
    "Wells",
    "Fargo",
    "Morgan",
    "Stanley",
    "Goldman",
    "Sachs",
    "Lloyd",
    "Lloyds",
    "Barclay",
    "Barclays",
    "Santander",
    "Deutsche",
    "Allianz",
    "Vittoria",
    "Salvador",
    "Natal",
    "Vitória",
    "Belém",
    "Mercedes",
    "Benz",
    "Royal",
    "Prince",
    "Princess",
    "King",
    "Queen",
    "Duke",
    "Earl",
    "Baron",
    "Bishop",
    "Pope",
    "Saint",
    "Santa",
    "Santo",
    "San",
    "Sankt",
    "Mont",
    "Monte",
    "Porto",
    "Nova",
    "Bella",
    "Bello",
    "Bruno",
    "Leo",
    "Léo",
    "Lion",
    "Wolf",
    "Fox",
    "Bear",
    "Dean",
    "Major",
    "General",
    "Marshal",
    "Sergeant",
    "Colonel",
    "Captain",
    "Admiral",
    "Doctor",
    "Nurse",
    "Page",
    "Art",
    "Gene",
    "Guy",
    "Don",
    "Bob",
    "Rob",
    "Sue",
    "Ben",
    "Max",
    "Jack",
    "Ray",
    "Lee",
    "Case",
    "Chance",
    "Cash",
    "Miles",
    "Price",
    "Rich",
    "Sterling",
    "Bond",
    "Trust",
    "Bank",
    "Tag",
    "Vida",
    "Bela",
    "Aurora",
    "Ernesto",
    "Lotte",
    "Hansa",
    "Harley",
    "Davidson",
    "Amazon",
    "Nike",
    "Ajax",
    "Elba",
    "Herzog",
    "Kaiser",
    "Fürst",
    "Graf",
    "Bauer",
    // read as a lone given name in a person's record: an interface's button, a table's
    // header, Dutch "Dear" and "deposit", Spanish "give it", a city, family words
    "Edit",
    "Campo",
    "Segundo",
    "Primo",
    "Lieve",
    "Dale",
    "Borg",
    "Braga",
    "Maman",
    "Mama",
    "Papa",
];

/// Words that start a place or an institution named after a person: the name after
/// them is the place's ("Santa Maria Novella", "Rue Victor Hugo").
const PLACE_BEFORE: &[&str] = &[
    "San",
    "Santa",
    "Santo",
    "Santos",
    "São",
    "St",
    "St.",
    "Ste",
    "Ste.",
    "Saint",
    "Sainte",
    "Sankt",
    "Rue",
    "Via",
    "Viale",
    "Calle",
    "Rua",
    "Avenida",
    "Avenue",
    "Av.",
    "Avda.",
    "Plaza",
    "Piazza",
    "Praça",
    "Place",
    "Platz",
    "Boulevard",
    "Largo",
    "Corso",
    "Paseo",
    "Hotel",
    "Hôtel",
    "Club",
    "Café",
    "Restaurant",
    "Bar",
    "Hospital",
    "Hôpital",
    "Ospedale",
    "Klinikum",
    "Colegio",
    "Escola",
    "Escuela",
    "Liceo",
    "Lycée",
    "Collège",
    "College",
    "School",
    "Schule",
    "Gymnasium",
    "University",
    "Universidad",
    "Università",
    "Universität",
    "Université",
    "Universidade",
    "Fondation",
    "Stiftung",
    "Fundación",
    "Fondazione",
    "Fundação",
    "Foundation",
    "Prix",
    "Prize",
    "Premio",
    "Preis",
    "Award",
    "Hurricane",
    "Storm",
    "Tropical",
    "Typhoon",
    "Lake",
    "Mount",
    "Mt.",
    "Port",
    "Fort",
    "Cape",
    "Camp",
    "Villa",
    "Casa",
    "Palazzo",
    "Palacio",
    "Palais",
    "Teatro",
    "Théâtre",
    "Theater",
    "Theatre",
    "Museo",
    "Musée",
    "Museum",
    "Stadion",
    "Estadio",
    "Stadio",
    "Stade",
    "Stadium",
    "Arena",
    "Airport",
    "Aeroporto",
    "Aeropuerto",
    "Aéroport",
    "Flughafen",
    "Station",
    "Estación",
    "Stazione",
    "Gare",
    "Bahnhof",
    "Station",
    "Team",
    "Operation",
    "Project",
    "Projekt",
    "Projet",
    "Proyecto",
    "Progetto",
    "Projeto",
    "Product",
    "Version",
    "Release",
    "Codename",
    "Model",
    "Modell",
    "Modèle",
    "Modelo",
    "Modello",
    "Ship",
    "HMS",
    "USS",
    "Radio",
    "Tower",
    "Bridge",
    "Brücke",
    "Pont",
    "Puente",
    "Ponte",
    "Brug",
    "Kerk",
    "Kirche",
    "Église",
    "Iglesia",
    "Chiesa",
    "Igreja",
    "Church",
    "Cathedral",
    "Basilica",
    "Basílica",
    "Dom",
    "Kathedrale",
];

/// Words of places, organisations and things: not family names, and a name followed
/// by one is the place's ("Victoria Station", "Ford Motor Company").
const PLACES: &[&str] = &[
    "Street",
    "St",
    "St.",
    "Road",
    "Rd",
    "Rd.",
    "Avenue",
    "Ave",
    "Ave.",
    "Lane",
    "Drive",
    "Close",
    "Court",
    "Way",
    "Square",
    "Park",
    "Place",
    "Gardens",
    "Terrace",
    "Hall",
    "House",
    "Station",
    "Airport",
    "Centre",
    "Center",
    "Hospital",
    "Clinic",
    "School",
    "College",
    "University",
    "Institute",
    "Museum",
    "Gallery",
    "Library",
    "Theatre",
    "Theater",
    "Hotel",
    "Bridge",
    "River",
    "Lake",
    "Bay",
    "Beach",
    "Island",
    "Islands",
    "Mountain",
    "Mountains",
    "Falls",
    "Valley",
    "Harbour",
    "Harbor",
    "Port",
    "City",
    "County",
    "State",
    "Province",
    "Region",
    "District",
    "Cathedral",
    "Church",
    "Chapel",
    "Abbey",
    "Castle",
    "Palace",
    "Tower",
    "Market",
    "Mall",
    "Plaza",
    "Arena",
    "Stadium",
    "Company",
    "Co",
    "Co.",
    "Corp",
    "Corp.",
    "Corporation",
    "Inc",
    "Inc.",
    "Ltd",
    "Ltd.",
    "Limited",
    "LLC",
    "PLC",
    "GmbH",
    "AG",
    "KG",
    "SE",
    "SA",
    "SAS",
    "SARL",
    "SL",
    "SpA",
    "Srl",
    "BV",
    "NV",
    "Lda",
    "Group",
    "Holding",
    "Holdings",
    "Partners",
    "Foundation",
    "Trust",
    "Bank",
    "Insurance",
    "Motors",
    "Motor",
    "Airlines",
    "Airways",
    "Labs",
    "Systems",
    "Software",
    "Technologies",
    "Solutions",
    "Services",
    "Consulting",
    "Media",
    "Records",
    "Studios",
    "Pictures",
    "Press",
    "Publishing",
    "Books",
    "News",
    "Times",
    "Post",
    "Journal",
    "Magazine",
    "Review",
    "Award",
    "Awards",
    "Prize",
    "Cup",
    "Trophy",
    "Festival",
    "Day",
    "Week",
    "Month",
    "Year",
    "Period",
    "Sale",
    "Show",
    "Tour",
    "Series",
    "Season",
    "Edition",
    "Collection",
    "Line",
    "Range",
    "Pro",
    "Plus",
    "Max",
    "Mini",
    "Ultra",
    "Lite",
    "Classic",
    "Edition",
    "Model",
    "Project",
    "Program",
    "Programme",
    "Protocol",
    "Act",
    "Law",
    "Bill",
    "Treaty",
    "Rule",
    "Effect",
    "Syndrome",
    "Disease",
    "Test",
    "Method",
    "Theorem",
    "Equation",
    "Principle",
    "Paradox",
    "Cluster",
    "Server",
    "Database",
    "Framework",
    "Library",
    "Engine",
    "Bot",
    "Assistant",
    "Street",
    "Strasse",
    "Straße",
    "Str.",
    "Weg",
    "Gasse",
    "Allee",
    "Ring",
    "Platz",
    "Bahnhof",
    "Flughafen",
    "Kirche",
    "Schule",
    "Klinik",
    "Krankenhaus",
    "Stiftung",
    "Gruppe",
    "Verlag",
    "Werke",
    "Straat",
    "Laan",
    "Plein",
    "Kerk",
    "Rue",
    "Avenue",
    "Gare",
    "Église",
    "Calle",
    "Plaza",
    "Iglesia",
    "Via",
    "Piazza",
    "Chiesa",
    "Rua",
    "Praça",
    "Igreja",
    "Vista",
    "Verde",
    "Nova",
    "Norte",
    "Sul",
    "Sur",
    "Nord",
    "Süd",
];

/// The function words, greetings, sign-offs, days and months of the seven languages:
/// not family names ("Anna Thanks", "Marie Lundi").
const NOT_FAMILY: &[&str] = &[
    "The",
    "A",
    "An",
    "And",
    "Or",
    "But",
    "If",
    "In",
    "On",
    "At",
    "To",
    "For",
    "From",
    "With",
    "By",
    "Of",
    "Is",
    "Are",
    "Was",
    "Were",
    "Be",
    "Has",
    "Have",
    "Had",
    "Do",
    "Does",
    "Did",
    "Will",
    "Would",
    "Can",
    "Could",
    "Should",
    "May",
    "Might",
    "Must",
    "I",
    "We",
    "You",
    "He",
    "She",
    "It",
    "They",
    "My",
    "Our",
    "Your",
    "His",
    "Her",
    "Their",
    "This",
    "That",
    "These",
    "Those",
    "Here",
    "There",
    "When",
    "Where",
    "What",
    "Who",
    "Why",
    "How",
    "Hi",
    "Hello",
    "Hey",
    "Dear",
    "Thanks",
    "Thank",
    "Best",
    "Kind",
    "Regards",
    "Cheers",
    "Please",
    "Yes",
    "No",
    "Ok",
    "OK",
    "Okay",
    "Sorry",
    "Note",
    "Re",
    "Fw",
    "Fwd",
    "Subject",
    "Date",
    "Sent",
    "From",
    "To",
    "Cc",
    "Bcc",
    "Phone",
    "Tel",
    "Mobile",
    "Email",
    "E-mail",
    "Address",
    "Name",
    "Account",
    "Order",
    "Invoice",
    "Customer",
    "Client",
    "User",
    "Admin",
    "Manager",
    "Director",
    "Team",
    "Support",
    "First",
    "Last",
    "Surname",
    "Given",
    "Family",
    "Full",
    "Der",
    "Die",
    "Das",
    "Den",
    "Dem",
    "Des",
    "Und",
    "Oder",
    "Aber",
    "Mit",
    "Von",
    "Für",
    "Bei",
    "Im",
    "Am",
    "Zum",
    "Zur",
    "Ein",
    "Eine",
    "Ich",
    "Wir",
    "Sie",
    "Er",
    "Es",
    "Ihr",
    "Ihre",
    "Mein",
    "Meine",
    "Hallo",
    "Liebe",
    "Lieber",
    "Danke",
    "Grüße",
    "Gruß",
    "Viele",
    "Herzliche",
    "Freundliche",
    "Mit",
    "Bitte",
    "Ja",
    "Nein",
    "Le",
    "La",
    "Les",
    "Et",
    "Ou",
    "Avec",
    "Pour",
    "Par",
    "Dans",
    "Sur",
    "Un",
    "Une",
    "Je",
    "Nous",
    "Vous",
    "Il",
    "Elle",
    "Ils",
    "Bonjour",
    "Bonsoir",
    "Salut",
    "Merci",
    "Cordialement",
    "Bien",
    "Oui",
    "Non",
    "El",
    "Los",
    "Las",
    "Y",
    "O",
    "Con",
    "Para",
    "Por",
    "En",
    "Yo",
    "Nosotros",
    "Usted",
    "Hola",
    "Gracias",
    "Saludos",
    "Atentamente",
    "Sí",
    "Lo",
    "Gli",
    "E",
    "Per",
    "Da",
    "Su",
    "Uno",
    "Io",
    "Noi",
    "Lei",
    "Ciao",
    "Salve",
    "Grazie",
    "Saluti",
    "Cordiali",
    "Distinti",
    "Os",
    "As",
    "Com",
    "Em",
    "Um",
    "Uma",
    "Eu",
    "Nós",
    "Você",
    "Olá",
    "Obrigado",
    "Obrigada",
    "Atenciosamente",
    "Cumprimentos",
    "Sim",
    "Não",
    "Het",
    "Of",
    "Met",
    "Voor",
    "Van",
    "Op",
    "Een",
    "Ik",
    "Wij",
    "Jij",
    "U",
    "Hoi",
    "Dank",
    "Groeten",
    "Groet",
    "Bedankt",
    "Beste",
    "Vriendelijke",
    "Nee",
    // days and months
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Montag",
    "Dienstag",
    "Mittwoch",
    "Donnerstag",
    "Freitag",
    "Samstag",
    "Sonntag",
    "Januar",
    "Februar",
    "März",
    "Mai",
    "Juni",
    "Juli",
    "Oktober",
    "Dezember",
    "Lundi",
    "Mardi",
    "Mercredi",
    "Jeudi",
    "Vendredi",
    "Samedi",
    "Dimanche",
    "Lunes",
    "Martes",
    "Miércoles",
    "Jueves",
    "Viernes",
    "Sábado",
    "Domingo",
    "Lunedì",
    "Martedì",
    "Mercoledì",
    "Giovedì",
    "Venerdì",
    "Sabato",
    "Domenica",
    "Segunda",
    "Terça",
    "Quarta",
    "Quinta",
    "Sexta",
    "Maandag",
    "Dinsdag",
    "Woensdag",
    "Donderdag",
    "Vrijdag",
    "Zaterdag",
    "Zondag",
];

/// Titles before a family name (checked without a trailing dot).
const TITLES: &[&str] = &[
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Prof",
    "M.",
    "D.",
    "Herr",
    "Herrn",
    "Frau",
    "Mme",
    "Mlle",
    "Monsieur",
    "Madame",
    "Mademoiselle",
    "Sr",
    "Sra",
    "Srta",
    "Señor",
    "Señora",
    "Señorita",
    "Doña",
    "Dona",
    "Sig",
    "Sig.ra",
    "Signor",
    "Signora",
    "Signorina",
    "Senhor",
    "Senhora",
    "Dhr",
    "Mevr",
    "Mevrouw",
    "Meneer",
    "Dott",
    "Dott.ssa",
    "Avv",
    "Ing",
    "Familie",
    "Famille",
    "Familia",
    "Famiglia",
    "Família",
];

/// The words that join two given names before one family name ("Elfriede und Werner
/// Lindemann", "Gaëlle et Thomas Lebrun").
const JOINS: &[&str] = &["and", "&", "und", "et", "y", "e", "en"];

/// What the lists say about a word (bits of [`Kinds`]).
const GIVEN: u16 = 1;
const FAMILY: u16 = 2;
const COMMON: u16 = 4;
const AMBIGUOUS_NAME: u16 = 8;
const PLACE_FIRST: u16 = 16;
const PLACE_WORD: u16 = 32;
const FUNCTION_WORD: u16 = 64;
const TITLE: u16 = 128;
const JOIN: u16 = 256;

/// Every list in one table, built once: one lookup a word tells all (a linear search
/// through the hand-written lists cost `guard_speed` 5% of its throughput).
type Kinds = HashMap<&'static str, u16, foldhash::fast::RandomState>;

fn kinds() -> &'static Kinds {
    static TABLE: OnceLock<Kinds> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Kinds::default();
        let mut add = |words: &mut dyn Iterator<Item = &'static str>, bit: u16| {
            for w in words.filter(|w| !w.is_empty()) {
                *t.entry(w).or_insert(0) |= bit;
            }
        };
        add(&mut GIVEN_NAMES.lines(), GIVEN);
        add(&mut SURNAMES.lines(), FAMILY);
        add(&mut COMMON_WORD_NAMES.lines(), COMMON);
        add(&mut AMBIGUOUS.iter().copied(), AMBIGUOUS_NAME);
        add(&mut PLACE_BEFORE.iter().copied(), PLACE_FIRST);
        add(&mut PLACES.iter().copied(), PLACE_WORD);
        add(&mut NOT_FAMILY.iter().copied(), FUNCTION_WORD);
        add(&mut TITLES.iter().copied(), TITLE);
        add(&mut JOINS.iter().copied(), JOIN);
        t
    })
}

/// The bits of `word` as written.
fn kind(word: &str) -> u16 {
    kinds().get(word).copied().unwrap_or(0)
}

/// `word` in the case the lists use: as it is, or an all-capitals word with its
/// first letter kept and the rest lowercased ("HANNAH" -> "Hannah").
fn listed_case(word: &str) -> std::borrow::Cow<'_, str> {
    let letters = word.chars().filter(|c| c.is_alphabetic());
    if word.chars().count() > 1 && letters.clone().all(char::is_uppercase) {
        let mut out = String::with_capacity(word.len());
        let mut first = true;
        let mut after_mark = false;
        for c in word.chars() {
            if first || after_mark {
                out.push(c);
            } else {
                out.extend(c.to_lowercase());
            }
            first = false;
            // O'SULLIVAN -> O'Sullivan, JEAN-LUC -> Jean-Luc
            after_mark = matches!(c, '\'' | '’' | '-');
        }
        return std::borrow::Cow::Owned(out);
    }
    std::borrow::Cow::Borrowed(word)
}

/// Whether `word` is a given name the lists know (`strict`: one that is not also an
/// ordinary word or a place).
fn is_given(word: &str) -> Option<bool> {
    let w = listed_case(word);
    let k = kind(&w);
    if k & GIVEN == 0 {
        return None;
    }
    // an all-capitals word is as often an acronym ("LAN", "IVA") as a name
    let capitals = w.as_ref() != word;
    Some(!capitals && k & (COMMON | AMBIGUOUS_NAME) == 0)
}

/// Whether `word` can be a family name here: capitalised letters (with `'` or `-`),
/// not a word that names a place, an organisation or a thing; a known family name
/// when `known` is asked for.
fn is_family(word: &str, known: bool) -> bool {
    let w = listed_case(word);
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    let k = kind(&w);
    if letters < 2
        || !w.chars().next().is_some_and(char::is_uppercase)
        || !w
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-'))
        || k & (FUNCTION_WORD | PLACE_WORD | TITLE) != 0
    {
        return false;
    }
    // an all-capitals family name after a given name in lower case ("Emilia AV") is
    // an acronym unless the lists know it ("Jean DUPONT")
    let capitals = w.as_ref() != word;
    !(known || capitals) || k & FAMILY != 0
}

/// A middle initial: `J.` or `J`.
fn is_initial(word: &str) -> bool {
    let mut c = word.chars();
    matches!((c.next(), c.next(), c.next()), (Some(a), None | Some('.'), None) if a.is_uppercase())
}

/// The lowercase particles inside family names.
fn is_particle(word: &str) -> bool {
    matches!(
        word,
        "van"
            | "von"
            | "de"
            | "der"
            | "den"
            | "da"
            | "das"
            | "do"
            | "dos"
            | "del"
            | "della"
            | "di"
            | "du"
            | "le"
            | "la"
            | "ten"
            | "ter"
            | "zu"
            | "al"
    )
}

/// One word of a run: where it starts in the text, the word as written (with the
/// dot of a title or an initial) and without the dots, apostrophes and hyphens after it.
#[derive(Clone, Copy)]
struct Word<'t> {
    at: usize,
    raw: &'t str,
    word: &'t str,
}

/// Reports the full names in `text`.
///
/// Not a pattern: with no literal to anchor on, a pattern is searched in every text,
/// and the smallest regex that found runs of capitalised words cost `guard_speed` 5% of
/// its throughput; splitting every text into words cost 3%. Here SIMD searches find
/// where a word may start with a capital (after a space: aho-corasick's packed
/// searcher; after `,` `;` `:` `(` `"` `|` `=` `>` `*` or a tab, and at the start of a line:
/// memchr, these bytes being rarer than spaces), and only the words from those places
/// on are read. Most capitals start a sentence and are followed by a lowercase word,
/// which ends the look before a word is read.
pub(crate) fn check(text: &str, other_personal_data: bool, out: &mut Vec<RawHit>) {
    let bare = if other_personal_data { ACTED } else { ALONE };
    let Some(spaces) = capital_starts() else {
        return;
    };
    let bytes = text.as_bytes();
    let capital_at = |at: usize| {
        bytes
            .get(at)
            .is_some_and(|&b| b.is_ascii_uppercase() || (0xC3..=0xC5).contains(&b))
    };
    let mut starts: Vec<usize> = spaces.find_iter(bytes).map(|m| m.start() + 1).collect();
    let found = starts.len();
    let punct = memchr::memchr3_iter(b',', b';', b':', bytes)
        .chain(memchr::memchr3_iter(b'(', b'"', b'|', bytes))
        .chain(memchr::memchr3_iter(b'\t', b'\n', b'=', bytes))
        .chain(memchr::memchr2_iter(b'>', b'*', bytes))
        .map(|at| at + 1)
        .chain(std::iter::once(0));
    starts.extend(punct.filter(|&at| capital_at(at)));
    if starts.len() > found {
        starts.sort_unstable();
    }
    let mut run: Vec<Word<'_>> = Vec::new();
    // the end of the last run read: capitals before it were read with it
    let mut read_to = 0;
    for at in starts {
        if at < read_to {
            continue;
        }
        // a title in lower case before the run ("dhr. P. Wiersma", "sig.ra Rigo")
        let title = if next_may_continue(bytes, at) {
            title_before(text, at)
        } else {
            match title_before(text, at) {
                Some(t) => Some(t),
                None => {
                    // a given name alone, where the text says it is a person's
                    out.extend(lone_given_name(text, at, bare));
                    continue;
                }
            }
        };
        let titled = title.is_some();
        run.extend(title);
        read_to = read_run(text, at, &mut run);
        if run.len() == 1 && !titled {
            out.extend(lone_given_name(text, at, bare));
        } else {
            judge(text, &run, bare, out);
        }
        run.clear();
    }
}

/// The title written in lower case just before byte `at` (one space between), if any:
/// `dhr.`, `sig.ra`, `sr.`. ASCII titles only, read without an allocation (this runs
/// for every capital after a space).
fn title_before(text: &str, at: usize) -> Option<Word<'_>> {
    let before = text.get(..at)?.strip_suffix(' ')?;
    let start = before
        .bytes()
        .rposition(|b| !(b.is_ascii_alphabetic() || b == b'.'))
        .map_or(0, |p| p + 1);
    let raw = before.get(start..)?;
    // lower-case titles are abbreviations with a dot ("dhr.", "sig.ra", "sr.") or one
    // of a few words: most words before a capital are neither, and are not looked up
    let plausible = raw.contains('.')
        || matches!(
            raw,
            "herr"
                | "herrn"
                | "frau"
                | "familie"
                | "famille"
                | "familia"
                | "famiglia"
                | "família"
                | "monsieur"
                | "madame"
                | "mme"
                | "mlle"
                | "signor"
                | "signora"
                | "signorina"
                | "senhor"
                | "senhora"
                | "señor"
                | "señora"
                | "meneer"
                | "mevrouw"
                | "mr"
                | "mrs"
                | "ms"
                | "miss"
                | "mx"
                | "mademoiselle"
                | "dr"
                | "sr"
                | "sra"
                | "srta"
                | "sig"
                | "dott"
                | "avv"
                | "ing"
                | "dhr"
                | "mevr"
                | "prof"
                | "doña"
                | "dona"
        );
    if !plausible {
        return None;
    }
    let mut buf = [0u8; 12];
    let head = buf.get_mut(..raw.len())?;
    head.copy_from_slice(raw.as_bytes());
    let first = head.first_mut()?;
    if !first.is_ascii_lowercase() {
        return None;
    }
    *first = first.to_ascii_uppercase();
    let title = std::str::from_utf8(head).ok()?;
    let word = raw.trim_end_matches('.');
    ((kind(title) | kind(title.trim_end_matches('.'))) & TITLE != 0).then_some(Word {
        at: start,
        raw,
        word,
    })
}

/// The labels of a given-name field ("Vorname: Florian", "| Nombre | Gabriela |",
/// `"first_name": "Irene"`): a form, so a person's record. Lowercase; compared with the
/// word before the name lowercased.
const NAME_LABELS: &[&str] = &[
    "name",
    "firstname",
    "first_name",
    "givenname",
    "given_name",
    "forename",
    "vorname",
    "rufname",
    "prénom",
    "prenom",
    "nombre",
    "nome",
    "voornaam",
    "roepnaam",
];

/// Kinship words: the given name after them is a person's ("unser Sohn Felix", "la
/// abuela Begoña"). Lowercase.
const KIN: &[&str] = &[
    "son",
    "daughter",
    "wife",
    "husband",
    "mum",
    "mom",
    "dad",
    "brother",
    "sister",
    "grandma",
    "grandpa",
    "granny",
    "sohn",
    "tochter",
    "mutter",
    "vater",
    "bruder",
    "schwester",
    "oma",
    "opa",
    "fils",
    "fille",
    "femme",
    "mari",
    "mère",
    "père",
    "frère",
    "sœur",
    "soeur",
    "mamie",
    "papi",
    "hijo",
    "hija",
    "esposa",
    "esposo",
    "mamá",
    "papá",
    "hermano",
    "hermana",
    "abuela",
    "abuelo",
    "figlio",
    "figlia",
    "moglie",
    "marito",
    "mamma",
    "papà",
    "fratello",
    "sorella",
    "nonna",
    "nonno",
    "filho",
    "filha",
    "marido",
    "mãe",
    "pai",
    "irmão",
    "irmã",
    "avó",
    "avô",
    "zoon",
    "dochter",
    "vrouw",
    "moeder",
    "vader",
    "broer",
    "zus",
    "kleinzoon",
    "kleindochter",
];

/// The labels of a family-name field, before a known family name ("Name
/// Wiedemann", "Nachname: Richter", "bel aan bij Bakker"). Lowercase.
const FAMILY_LABELS: &[&str] = &[
    "name",
    "surname",
    "lastname",
    "last_name",
    "familyname",
    "family_name",
    "nachname",
    "familienname",
    "nom",
    "apellido",
    "apellidos",
    "cognome",
    "apelido",
    "sobrenome",
    "achternaam",
    "bij",
];

/// The doorbell and intercom words, before the name on the bell: a family name
/// whether the lists know it or not ("Citofono \"Cortesi\"", "interphone «
/// Keller-Roth »"). Lowercase.
const DOORBELL: &[&str] = &[
    "klingel",
    "klingelschild",
    "interphone",
    "sonnette",
    "timbre",
    "portero",
    "citofono",
    "campanello",
    "campainha",
    "intercomunicador",
    "doorbell",
    "buzzer",
    "intercom",
    "deurbel",
];

/// A given name standing alone at byte `at` (one that is not also an ordinary word or
/// a place), reported when the word before it labels a person's field or relates a
/// person, a phone number follows it ("Lucie 06 52 90 38 14"), or the text is a
/// person's record (`bare` is [`ACTED`]: other personal data is there, so "Paul wird 6
/// … Brunnenstraße 9, 72764 Reutlingen" names the child). A label or a phone number
/// makes it a record's (acted on); kinship scores like a full name (`bare`). In a
/// record, a known family name alone after a family-name label, and a family name
/// after a doorbell word, are acted on too ("Citofono \"Cortesi\"").
fn lone_given_name(text: &str, at: usize, bare: f32) -> Option<RawHit> {
    let rest = text.get(at..)?;
    let len = rest.find(|c: char| !in_name(c)).unwrap_or(rest.len());
    let word = rest.get(..len)?.trim_end_matches(['.', '\'', '’', '-']);
    let in_record = bare >= ACTED;
    let given = is_given(word) == Some(true);
    let family = !given && in_record && is_family(word, false);
    if !given && !family {
        return None;
    }
    let line = text.get(..at)?.rsplit('\n').next()?;
    let before = line
        .trim_end_matches([' ', '\t', ':', '"', '\'', '=', '|', ',', '«', '„', '“'])
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()?;
    let mut buf = [0u8; 16];
    let lower = (before.len() <= 14)
        .then(|| lowercase_into(before, &mut buf))
        .flatten();
    if family {
        let known = kind(&listed_case(word)) & FAMILY != 0;
        let bell = lower.is_some_and(|l| DOORBELL.contains(&l));
        let label = known && lower.is_some_and(|l| FAMILY_LABELS.contains(&l));
        return (bell || label).then(|| RawHit {
            detector: &DETECTOR,
            start: at,
            end: at + word.len(),
            score: ACTED,
            note: RULE.summary.to_owned(),
        });
    }
    let labelled = lower.is_some_and(|l| NAME_LABELS.contains(&l));
    let kin = lower.is_some_and(|l| KIN.contains(&l));
    let after = rest
        .get(len..)?
        .trim_start_matches([' ', ':', '-', '(', '\t']);
    let phone = after.len() < rest.len() - len
        && matches!(after.as_bytes(), [b'+', d, ..] | [b'0', d, ..] if d.is_ascii_digit());
    let score = if labelled || phone { ACTED } else { bare };
    (labelled || phone || kin || in_record).then(|| RawHit {
        detector: &DETECTOR,
        start: at,
        end: at + word.len(),
        score,
        note: if score >= ACTED {
            RULE.summary.to_owned()
        } else {
            ALONE_NOTE.to_owned()
        },
    })
}

/// `word` in lower case in `buf` (no allocation), when it fits.
fn lowercase_into<'b>(word: &str, buf: &'b mut [u8; 16]) -> Option<&'b str> {
    let mut n = 0;
    for c in word.chars().flat_map(char::to_lowercase) {
        let mut tmp = [0u8; 4];
        let e = c.encode_utf8(&mut tmp).as_bytes();
        buf.get_mut(n..n + e.len())?.copy_from_slice(e);
        n += e.len();
    }
    std::str::from_utf8(buf.get(..n)?).ok()
}

/// Whether the word after the word at `at` (on the same line) may continue a name: it
/// does not start with a lowercase ASCII letter that no particle starts with, a digit
/// or a line break. Most capitals start a sentence, and this ends the look at them
/// without reading a word.
fn next_may_continue(bytes: &[u8], at: usize) -> bool {
    let Some(rest) = bytes.get(at..) else {
        return false;
    };
    let Some(end) = rest
        .iter()
        .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    else {
        return false;
    };
    let mut next = rest.get(end..).unwrap_or_default().iter();
    match next.find(|&&b| b != b' ' && b != b'\t') {
        Some(b) if b.is_ascii_lowercase() => b"adltvz".contains(b),
        Some(b) => !b.is_ascii_digit() && !matches!(b, b'\n' | b'\r'),
        None => false,
    }
}

/// A space followed by an ASCII capital or the first byte of a Latin letter outside
/// ASCII (`À`-`Ž`; whether it is a capital is checked when the word is read): 29
/// two-byte literals, few enough for the fastest form of the packed (Teddy) searcher.
fn capital_starts() -> Option<&'static aho_corasick::packed::Searcher> {
    static AC: OnceLock<Option<aho_corasick::packed::Searcher>> = OnceLock::new();
    AC.get_or_init(|| {
        let lits = (b'A'..=b'Z').chain(0xC3..=0xC5).map(|c| [b' ', c]);
        aho_corasick::packed::Config::new()
            .builder()
            .extend(lits)
            .build()
    })
    .as_ref()
}

/// Whether `c` belongs to a word of a name: a letter, a mark, or `'` `’` `-` `.`
/// (O'Sullivan, Delacroix-Hunt, J., Sig.ra).
fn in_name(c: char) -> bool {
    c.is_alphabetic() || matches!(c, '\'' | '’' | '-' | '.') || ('\u{300}'..='\u{36F}').contains(&c)
}

/// Reads the run of capitalised words (and particles) that starts at byte `at` into
/// `run`, on one line and up to a comma, semicolon, colon or other punctuation;
/// returns where the look ended.
fn read_run<'t>(text: &'t str, at: usize, run: &mut Vec<Word<'t>>) -> usize {
    let mut i = at;
    while run.len() < MAX_WORDS {
        let Some(rest) = text.get(i..) else {
            return i;
        };
        let len = rest.find(|c: char| !in_name(c)).unwrap_or(rest.len());
        let Some(raw) = rest.get(..len).filter(|r| !r.is_empty()) else {
            return i;
        };
        let word = raw.trim_end_matches(['.', '\'', '’', '-']);
        let capital = word.chars().next().is_some_and(char::is_uppercase);
        if !(capital || (!run.is_empty() && is_particle(word))) {
            return i;
        }
        run.push(Word { at: i, raw, word });
        // a name goes on after spaces only (a tab separates the columns of a table)
        let after = rest.get(len..).unwrap_or_default();
        let gap = after.len() - after.trim_start_matches(' ').len();
        if gap == 0 {
            return i + len;
        }
        i += len + gap;
    }
    i
}

/// The full names in one run of capitalised words: from a given name (or a title) to
/// the end of its family name.
fn judge(text: &str, words: &[Word<'_>], bare: f32, out: &mut Vec<RawHit>) {
    if words.len() < 2 {
        return;
    }
    let mut i = 0;
    while i < words.len() {
        match name_at(text, words, i) {
            Some((from, end, next)) => {
                out.push(RawHit {
                    detector: &DETECTOR,
                    start: from,
                    end,
                    score: bare,
                    note: if bare >= ACTED {
                        RULE.summary.to_owned()
                    } else {
                        ALONE_NOTE.to_owned()
                    },
                });
                i = next;
            }
            None => i += 1,
        }
    }
}

/// The name that starts at word `i` of the run: its byte span and the index of the
/// word after it.
fn name_at(text: &str, words: &[Word<'_>], i: usize) -> Option<(usize, usize, usize)> {
    let w = words.get(i)?;
    if i > 0
        && words
            .get(i - 1)
            .is_some_and(|p| kind(p.raw) & PLACE_FIRST != 0)
    {
        return None;
    }
    let title = (kind(w.word) | kind(w.raw)) & TITLE != 0
        || (i == 0 && w.word.chars().next().is_some_and(char::is_lowercase));
    let given = if title { None } else { is_given(w.word) };
    if !title && given.is_none() {
        return None;
    }
    // a given name that ends a sentence or a list item ("… IVA. Pagamento")
    if !title && w.raw.len() > w.word.len() {
        return None;
    }
    // after the given name (or the title): initials and more given names, the
    // particles, then the family name. The longest reading first: "Jutta Albrecht von
    // nebenan" reads Albrecht (a given name too) as the family name once no family
    // name follows it.
    let mut middle = 0;
    while i + 1 + middle + 1 < words.len() && middle < 2 {
        let m = words.get(i + 1 + middle)?;
        if is_initial(m.word) || is_initial(m.raw) || is_given(m.word).is_some() {
            middle += 1;
        } else {
            break;
        }
    }
    let (j, family) = (0..=middle).rev().find_map(|m| {
        let mut j = i + 1 + m;
        while words.get(j).is_some_and(|w| is_particle(w.word)) {
            j += 1;
        }
        let family = words.get(j)?;
        is_family(family.word, given == Some(false)).then_some((j, family))
    })?;
    // more family names (Spanish and Portuguese names have two, and a title may come
    // before a given name the lists do not know); a place or an organisation word
    // after the name makes it the place's ("Marie Curie Institute")
    let mut end = family.at + family.word.len();
    let mut next = j + 1;
    let mut last = family;
    while let Some(n) = words.get(next) {
        if kind(&listed_case(n.word)) & PLACE_WORD != 0 {
            return None;
        }
        // after a title, the words are the name's whatever the lists say ("Mr Ifeanyi
        // Nwosu"); otherwise a further family name must be a known one
        let known = title || kind(&listed_case(last.word)) & FAMILY != 0;
        if next > j + 2 || last.raw.len() != last.word.len() || !is_family(n.word, !known) {
            break;
        }
        end = n.at + n.word.len();
        last = n;
        next += 1;
    }
    Some((joined_before(text, w.at).unwrap_or(w.at), end, next))
}

/// Where a given name joined to this name starts: `start` is the name's first word,
/// and the text before it ends with a given name and a joining word ("Lorraine &
/// David Montgomery" -> the start of "Lorraine").
fn joined_before(text: &str, start: usize) -> Option<usize> {
    let before = text.get(..start)?.strip_suffix(' ')?;
    let (rest, join) = before.rsplit_once(' ')?;
    if kind(join) & JOIN == 0 {
        return None;
    }
    let name = rest.rsplit([' ', '\t', '\n', ',', ';', ':', '(']).next()?;
    is_given(name)?;
    Some(start - join.len() - name.len() - 2)
}

/// Registry entry.
pub(crate) static DETECTOR: Detector = Detector {
    meta: &RULE,
    category: Category::Pii,
    placeholder: "PERSON",
    roles: ALL,
    weak: false,
    engine: Engine::Custom,
};
