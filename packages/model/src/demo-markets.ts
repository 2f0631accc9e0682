// Reference data for demo customers: the markets a European field-sales team might cover,
// with real cities, postal code and phone number shapes that pass our own validation
// (phone patterns were checked against libphonenumber-js 'max' metadata; see the tests).

export type DemoCity = {
  city: string
  region: string
  /** '#' = any digit, '@' = digit 2-9, letters as they are. */
  postalCode: string
  /** National significant number pattern of a landline in this city. */
  landline: string
}

export type DemoMarket = {
  country: string
  language: 'de' | 'fr' | 'en' | 'nl' | 'es' | 'it'
  currency: string
  tld: string
  legalForms: readonly string[]
  mobile: readonly string[]
  street: (name: string, no: number) => string
  streets: readonly string[]
  cities: readonly DemoCity[]
}

const de = (s: string, n: number) => `${s} ${n}`
const numberFirst = (s: string, n: number) => `${n} ${s}`
const commaFirst = (s: string, n: number) => `${s}, ${n}`

const GERMAN_STREETS = ['Hauptstraße', 'Bahnhofstraße', 'Industriestraße', 'Gartenweg', 'Lindenallee', 'Schillerstraße', 'Am Markt']

export const DEMO_MARKETS: readonly DemoMarket[] = [
  {
    country: 'DE', language: 'de', currency: 'EUR', tld: 'de', legalForms: ['GmbH', 'AG', 'GmbH & Co. KG', 'KG', 'e.K.'],
    mobile: ['151########', '176########', '170#######'], street: de, streets: GERMAN_STREETS,
    cities: [
      { city: 'Berlin', region: 'Berlin', postalCode: '10###', landline: '30@#######' },
      { city: 'München', region: 'Bayern', postalCode: '80###', landline: '89@#######' },
      { city: 'Hamburg', region: 'Hamburg', postalCode: '20###', landline: '40@#######' },
      { city: 'Köln', region: 'Nordrhein-Westfalen', postalCode: '50###', landline: '221@######' },
      { city: 'Frankfurt am Main', region: 'Hessen', postalCode: '60###', landline: '69@#######' },
    ],
  },
  {
    country: 'AT', language: 'de', currency: 'EUR', tld: 'at', legalForms: ['GmbH', 'AG', 'OG', 'KG'],
    mobile: ['664#######'], street: de, streets: GERMAN_STREETS,
    cities: [
      { city: 'Wien', region: 'Wien', postalCode: '1##0', landline: '1@######' },
      { city: 'Graz', region: 'Steiermark', postalCode: '80#0', landline: '316######' },
      { city: 'Innsbruck', region: 'Tirol', postalCode: '60#0', landline: '512######' },
    ],
  },
  {
    country: 'CH', language: 'de', currency: 'CHF', tld: 'ch', legalForms: ['AG', 'GmbH', 'SA'],
    mobile: ['79#######'], street: de, streets: ['Bahnhofstrasse', 'Seestrasse', 'Dorfstrasse', 'Industriestrasse'],
    cities: [
      { city: 'Zürich', region: 'ZH', postalCode: '80##', landline: '44#######' },
      { city: 'Basel', region: 'BS', postalCode: '40##', landline: '61#######' },
      { city: 'Genève', region: 'GE', postalCode: '12##', landline: '22#######' },
    ],
  },
  {
    country: 'FR', language: 'fr', currency: 'EUR', tld: 'fr', legalForms: ['SARL', 'SAS', 'SA'],
    mobile: ['61#######', '67#######'], street: numberFirst,
    streets: ['rue de la République', 'avenue Jean Jaurès', 'rue Victor Hugo', 'boulevard Gambetta', 'rue du Commerce'],
    cities: [
      { city: 'Paris', region: 'Île-de-France', postalCode: '750##', landline: '15#######' },
      { city: 'Lyon', region: 'Auvergne-Rhône-Alpes', postalCode: '6900#', landline: '472######' },
      { city: 'Marseille', region: "Provence-Alpes-Côte d'Azur", postalCode: '130##', landline: '491######' },
    ],
  },
  {
    country: 'GB', language: 'en', currency: 'GBP', tld: 'co.uk', legalForms: ['Ltd', 'PLC', 'LLP'],
    mobile: ['74########', '75########', '78########'], street: numberFirst,
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Mill Lane'],
    cities: [
      { city: 'London', region: 'England', postalCode: 'EC@A #AB', landline: '207#######' },
      { city: 'Manchester', region: 'England', postalCode: 'M# #AE', landline: '161#######' },
      { city: 'Bristol', region: 'England', postalCode: 'BS# #AX', landline: '1173######' },
    ],
  },
  {
    country: 'NL', language: 'nl', currency: 'EUR', tld: 'nl', legalForms: ['B.V.', 'N.V.', 'V.O.F.'],
    mobile: ['61#######', '62#######', '65#######'], street: de,
    streets: ['Keizersgracht', 'Stationsplein', 'Kerkstraat', 'Dorpsstraat', 'Havenweg'],
    cities: [
      { city: 'Amsterdam', region: 'Noord-Holland', postalCode: '10## AB', landline: '20#######' },
      { city: 'Rotterdam', region: 'Zuid-Holland', postalCode: '30## CD', landline: '10#######' },
    ],
  },
  {
    country: 'ES', language: 'es', currency: 'EUR', tld: 'es', legalForms: ['S.L.', 'S.A.'],
    mobile: ['6########'], street: commaFirst,
    streets: ['Calle Mayor', 'Avenida de la Constitución', 'Calle del Sol', 'Paseo de Gracia'],
    cities: [
      { city: 'Madrid', region: 'Comunidad de Madrid', postalCode: '280##', landline: '91#######' },
      { city: 'Barcelona', region: 'Cataluña', postalCode: '080##', landline: '93#######' },
      { city: 'Valencia', region: 'Comunidad Valenciana', postalCode: '460##', landline: '96#######' },
    ],
  },
  {
    country: 'IT', language: 'it', currency: 'EUR', tld: 'it', legalForms: ['S.r.l.', 'S.p.A.', 'S.n.c.'],
    mobile: ['347#######', '33########'], street: commaFirst,
    streets: ['Via Roma', 'Corso Garibaldi', 'Via Dante', 'Viale Europa', 'Piazza della Libertà'],
    cities: [
      { city: 'Milano', region: 'Lombardia', postalCode: '201##', landline: '02########' },
      { city: 'Roma', region: 'Lazio', postalCode: '001##', landline: '06########' },
      { city: 'Torino', region: 'Piemonte', postalCode: '101##', landline: '011#######' },
    ],
  },
  {
    country: 'US', language: 'en', currency: 'USD', tld: 'com', legalForms: ['Inc.', 'LLC', 'Corp.'],
    mobile: [], street: numberFirst, streets: ['Main Street', 'Market Street', 'Oak Avenue', 'Broadway', 'Commerce Drive'],
    cities: [
      { city: 'New York', region: 'NY', postalCode: '100##', landline: '212@######' },
      { city: 'San Francisco', region: 'CA', postalCode: '941##', landline: '415@######' },
      { city: 'Chicago', region: 'IL', postalCode: '606##', landline: '312@######' },
      { city: 'Boston', region: 'MA', postalCode: '021##', landline: '617@######' },
    ],
  },
]

/** Where the markets' phone numbers start, for building E.164 strings without parsing. */
export const CALLING_CODES: Readonly<Record<string, string>> = {
  DE: '49', AT: '43', CH: '41', FR: '33', GB: '44', NL: '31', ES: '34', IT: '39', US: '1',
}
