// Word lists for realistic companies, people and deals (seed data and simulated office edits).

export const COMPANY_WORDS = [
  'Acme', 'Northwind', 'Blue Harbor', 'Granite', 'Silverline', 'Redwood', 'Lumen', 'Atlas', 'Keystone', 'Orchard',
  'Polar', 'Summit', 'Harbor Point', 'Ironbridge', 'Meridian', 'Cobalt', 'Evergreen', 'Falcon', 'Juniper', 'Beacon',
  'Crescent', 'Pioneer', 'Sterling', 'Vantage', 'Willow', 'Alpine', 'Bright Path', 'Cedar', 'Delta', 'Horizon',
] as const
export const COMPANY_SUFFIXES = [
  'Logistics', 'Foods', 'Manufacturing', 'Health', 'Software', 'Builders', 'Energy', 'Retail', 'Partners', 'Labs',
  'Robotics', 'Textiles', 'Pharma', 'Analytics', 'Motors',
] as const
export const LEGAL_FORMS = ['Inc.', 'Ltd', 'GmbH', 'SA', 'LLC', 'BV', 'AB', 'Oy', ''] as const
export const INDUSTRIES = [
  'Logistics', 'Food & Beverages', 'Machinery', 'Hospital & Health Care', 'Computer Software', 'Construction',
  'Renewables & Environment', 'Retail', 'Management Consulting', 'Biotechnology', 'Automotive', 'Textiles',
] as const
export const CITIES = [
  { city: 'Lyon', state: 'Auvergne-Rhône-Alpes', country: 'FR', phone: '+33 4 78' },
  { city: 'Hamburg', state: 'Hamburg', country: 'DE', phone: '+49 40' },
  { city: 'Rotterdam', state: 'South Holland', country: 'NL', phone: '+31 10' },
  { city: 'Manchester', state: 'England', country: 'GB', phone: '+44 161' },
  { city: 'Austin', state: 'Texas', country: 'US', phone: '+1 512' },
  { city: 'Denver', state: 'Colorado', country: 'US', phone: '+1 303' },
  { city: 'Milan', state: 'Lombardy', country: 'IT', phone: '+39 02' },
  { city: 'Barcelona', state: 'Catalonia', country: 'ES', phone: '+34 93' },
  { city: 'Gothenburg', state: 'Västra Götaland', country: 'SE', phone: '+46 31' },
  { city: 'Toronto', state: 'Ontario', country: 'CA', phone: '+1 416' },
] as const
export const STREETS = ['Market Street', 'Harbour Road', 'Station Avenue', 'Mill Lane', 'Park Boulevard', 'Church Street', 'Canal Walk'] as const
export const FIRST_NAMES = [
  'Alice', 'Bruno', 'Chloé', 'Daniel', 'Elena', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Liam',
  'Maya', 'Nils', 'Olivia', 'Pedro', 'Quentin', 'Rosa', 'Samir', 'Tessa', 'Umar', 'Vera', 'Wen', 'Yusuf', 'Zoe',
] as const
export const LAST_NAMES = [
  'Martin', 'Schmidt', 'de Vries', 'Brown', 'Garcia', 'Rossi', 'Johansson', 'Dubois', 'Novak', 'Kowalski',
  'Okafor', 'Tanaka', 'Silva', 'Nguyen', 'Murphy', 'Fischer', 'Larsen', 'Moreau', 'Costa', 'Patel',
] as const
export const JOB_TITLES = [
  'Head of Purchasing', 'Operations Manager', 'CFO', 'CEO', 'Plant Manager', 'IT Director', 'Buyer',
  'Office Manager', 'Procurement Lead', 'Sales Director',
] as const
export const PRODUCTS = ['Fleet renewal', 'Annual maintenance', 'Pilot project', 'Expansion', 'Support contract', 'Spare parts', 'Training'] as const
export const LIFECYCLE_STAGES = ['lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer'] as const
export const CURRENCIES: Record<string, string> = { US: 'USD', CA: 'CAD', GB: 'GBP', SE: 'SEK' }
