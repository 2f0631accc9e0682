// Word lists for demo customers: people, sectors and field-sales phrases per language, so a
// demo book reads like a real territory rather than "Customer 17".
import type { DemoMarket } from './demo-markets'

type Language = DemoMarket['language']

export const FIRST_NAMES: Readonly<Record<Language, readonly string[]>> = {
  de: ['Anna', 'Lukas', 'Julia', 'Felix', 'Laura', 'Jonas', 'Sophie', 'Maximilian', 'Lea', 'Stefan', 'Katrin', 'Jürgen'],
  fr: ['Camille', 'Louis', 'Chloé', 'Hugo', 'Manon', 'Lucas', 'Élodie', 'Julien', 'Inès', 'Antoine'],
  en: ['Emma', 'James', 'Olivia', 'Oliver', 'Amelia', 'Harry', 'Grace', 'Michael', 'Sarah', 'David'],
  nl: ['Sanne', 'Daan', 'Lotte', 'Bram', 'Fleur', 'Sem', 'Eva', 'Thijs'],
  es: ['Lucía', 'Hugo', 'María', 'Pablo', 'Carmen', 'Javier', 'Elena', 'Alejandro'],
  it: ['Giulia', 'Marco', 'Francesca', 'Luca', 'Chiara', 'Matteo', 'Sara', 'Alessandro'],
}

export const LAST_NAMES: Readonly<Record<Language, readonly string[]>> = {
  de: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schäfer', 'Koch', 'Richter', 'Klein', 'Wolf', 'Neumann', 'Braun'],
  fr: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Laurent', 'Lefèvre'],
  en: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Miller', 'Walker', 'Wright', 'Thompson'],
  nl: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder'],
  es: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz'],
  it: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco'],
}

/** Industry (stored in English) and how a company in that trade names itself per language. */
export const SECTORS: readonly { industry: string; words: Readonly<Record<Language, string>> }[] = [
  { industry: 'Manufacturing', words: { de: 'Maschinenbau', fr: 'Industrie', en: 'Engineering', nl: 'Machinebouw', es: 'Industrial', it: 'Meccanica' } },
  { industry: 'Logistics', words: { de: 'Logistik', fr: 'Transports', en: 'Logistics', nl: 'Logistiek', es: 'Logística', it: 'Trasporti' } },
  { industry: 'Retail', words: { de: 'Handel', fr: 'Distribution', en: 'Retail', nl: 'Handel', es: 'Comercial', it: 'Commerciale' } },
  { industry: 'Construction', words: { de: 'Bau', fr: 'Construction', en: 'Building', nl: 'Bouw', es: 'Construcciones', it: 'Costruzioni' } },
  { industry: 'Food & Beverage', words: { de: 'Feinkost', fr: 'Alimentaire', en: 'Foods', nl: 'Voeding', es: 'Alimentación', it: 'Alimentari' } },
  { industry: 'Healthcare', words: { de: 'Medizintechnik', fr: 'Santé', en: 'Healthcare', nl: 'Zorg', es: 'Salud', it: 'Sanitaria' } },
  { industry: 'Software', words: { de: 'Software', fr: 'Informatique', en: 'Software', nl: 'Software', es: 'Informática', it: 'Informatica' } },
  { industry: 'Automotive', words: { de: 'Autohaus', fr: 'Automobiles', en: 'Motors', nl: 'Autobedrijf', es: 'Automoción', it: 'Automobili' } },
  { industry: 'Energy', words: { de: 'Energie', fr: 'Énergie', en: 'Energy', nl: 'Energie', es: 'Energía', it: 'Energia' } },
  { industry: 'Hospitality', words: { de: 'Hotel', fr: 'Hôtellerie', en: 'Hotels', nl: 'Horeca', es: 'Hostelería', it: 'Alberghi' } },
  { industry: 'Agriculture', words: { de: 'Agrar', fr: 'Agricole', en: 'Farms', nl: 'Agro', es: 'Agrícola', it: 'Agricola' } },
  { industry: 'Wholesale', words: { de: 'Großhandel', fr: 'Négoce', en: 'Wholesale', nl: 'Groothandel', es: 'Mayoristas', it: 'Ingrosso' } },
]

export const JOB_TITLES = [
  'Managing Director', 'Head of Purchasing', 'Buyer', 'Operations Manager', 'Office Manager',
  'CFO', 'Plant Manager', 'Store Manager', 'Procurement Lead', 'Owner',
] as const

export const PRODUCTS = [
  'Service contract', 'Spare parts', 'Fleet renewal', 'Maintenance plan', 'Pilot installation',
  'Annual supply', 'Software licences', 'Training package', 'Upgrade kit', 'Framework agreement',
] as const

export const DEAL_STAGES = [
  'appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin',
  'contractsent', 'closedwon', 'closedlost',
] as const

export const TAGS = [
  'key-account', 'vip', 'newsletter', 'trade-fair', 'follow-up', 'price-sensitive',
  'new-territory', 'referral', 'service-contract', 'pilot', 'tender', 'seasonal',
] as const

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] as const

export const NOTE_LINES = [
  'Prefers visits on {day} mornings; call ahead.',
  'Main contact is {person}, decides together with the owner.',
  'Interested in {product}, asked for a quote before the end of the quarter.',
  'Parking behind the building, entrance via the loading bay.',
  'Compares prices with two competitors every year.',
  'Pays reliably, usually within 14 days.',
  'Met at the regional trade fair; wants a demo on site.',
  'Budget freeze until next fiscal year.',
  'Order volume grew steadily over the last two years.',
  'Send the catalogue by post, not by email.',
] as const

export const ACTIVITY_TEXTS = {
  call: ['Follow-up call about the quote.', 'Called {person}, no answer; left a message.', 'Discussed delivery dates for {product}.'],
  visit: ['On-site visit, walked the production floor.', 'Presented {product} to {person} and team.', 'Quarterly review meeting.'],
  email: ['Sent the updated price list.', 'Sent the proposal for {product}.', 'Confirmed the appointment by email.'],
  note: ['Competitor offered a 5% discount.', '{person} moves to a new role next month.', 'Asked about extended warranty.'],
} as const
