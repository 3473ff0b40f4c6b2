/**
 * Vocabulary of the deterministic user generator. Exported so the demo can create units and
 * user types whose names match what the generated users carry. Earlier entries of each
 * list are drawn more often (see `weights`), which gives the skewed proportions of a real
 * directory: many "Employee"s in "Operations", few "Vice President"s in "Legal".
 */

/** Given names, mixed origins, including non-ASCII spellings. */
// prettier-ignore
export const GIVEN_NAMES: readonly string[] = [
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William',
  'Elizabeth', 'David', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah',
  'Charles', 'Karen', 'Daniel', 'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark',
  'Margaret', 'Donald', 'Sandra', 'Steven', 'Ashley', 'Paul', 'Kimberly', 'Andrew', 'Emily',
  'Joshua', 'Donna', 'Kenneth', 'Michelle', 'Kevin', 'Carol', 'Brian', 'Amanda', 'George',
  'Dorothy', 'Timothy', 'Melissa', 'Ronald', 'Deborah', 'Edward', 'Stephanie', 'Jason',
  'Rebecca', 'Jeffrey', 'Sharon', 'Ryan', 'Laura', 'Jacob', 'Cynthia', 'Gary', 'Kathleen',
  'Nicholas', 'Amy', 'Eric', 'Angela', 'Jonathan', 'Shirley', 'Stephen', 'Anna', 'Larry',
  'Brenda', 'Justin', 'Pamela', 'Scott', 'Emma', 'Brandon', 'Nicole', 'Benjamin', 'Helen',
  'Samuel', 'Samantha', 'Gregory', 'Katherine', 'Alexander', 'Christine', 'Frank', 'Debra',
  'Patrick', 'Rachel', 'Raymond', 'Carolyn', 'Jack', 'Janet', 'Dennis', 'Catherine', 'Jerry',
  'Maria', 'Tyler', 'Heather', 'Aaron', 'Diane', 'Olivia', 'Noah', 'Liam', 'Sophia', 'Lucas',
  'Mia', 'Hugo', 'Léa', 'Chloé', 'Zoë', 'Noémie', 'Amélie', 'François', 'Jérôme', 'Hélène',
  'Łukasz', 'Małgorzata', 'Paweł', 'Agnieszka', 'Krzysztof', 'Żaneta', 'Søren', 'Bjørn',
  'Åsa', 'Jörg', 'Jürgen', 'Björn', 'Günther', 'Ingrid', 'Karin', 'Stefan', 'Matthias',
  'José', 'María', 'Sofía', 'Andrés', 'Lucía', 'Ramón', 'Inês', 'João', 'Conceição', 'Luís',
  'Giulia', 'Matteo', 'Francesca', 'Lorenzo', 'Chiara', 'Niccolò', 'Ahmed', 'Fatima', 'Omar',
  'Aisha', 'Yusuf', 'Leila', 'Mehmet', 'Ayşe', 'Çağla', 'Priya', 'Rahul', 'Ananya', 'Arjun',
  'Deepika', 'Wei', 'Mei', 'Hiroshi', 'Yuki', 'Haruto', 'Sakura', 'Min-jun', 'Seo-yeon',
  'Oluwaseun', 'Chidi', 'Amara', 'Kwame', 'Nia', 'Siobhán', 'Seán', 'Niamh', 'Aoife', 'Dmitri',
  'Anastasia', 'Olga', 'Ivan', 'Tatiana', 'Nikolai', 'Eszter', 'Zoltán', 'Dorottya', 'Ondřej',
  'Tereza', 'Jiří', 'Anne-Marie', 'Jean-Luc', "D'Arcy", 'Mary Ann', 'Ève', 'Øystein', 'Ærle',
];

/** Surnames, mixed origins, including non-ASCII spellings and particles. */
// prettier-ignore
export const SURNAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez',
  'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor',
  'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez',
  'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright',
  'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall',
  'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans',
  'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris',
  'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson',
  'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson', 'Watson',
  'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes', 'Price',
  'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jiménez',
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schäfer',
  'Köhler', 'Groß', 'Dubois', 'Lefèvre', 'Moreau', 'Fontaine', 'Bérénger', 'Girard', 'Rousseau',
  'Kowalski', 'Nowak', 'Wiśniewski', 'Wójcik', 'Kamiński', 'Lewandowski', 'Zieliński',
  'Szymańska', 'Jensen', 'Nielsen', 'Hansen', 'Sørensen', 'Kristiansen', 'Østergaard',
  'Johansson', 'Andersson', 'Karlsson', 'Nilsson', 'Lindqvist', 'Åberg', 'Ström', 'Rossi',
  'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Silva', 'Santos',
  'Ferreira', 'Pereira', 'Gonçalves', 'Conceição', 'Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik',
  'Sharma', 'Singh', 'Kumar', 'Gupta', 'Reddy', 'Iyer', 'Wang', 'Li', 'Zhang', 'Liu', 'Chen',
  'Yamamoto', 'Tanaka', 'Suzuki', 'Watanabe', 'Park', 'Choi', 'Okafor', 'Adeyemi', 'Mensah',
  'Ivanov', 'Petrova', 'Smirnov', 'Kuznetsova', 'Novák', 'Dvořák', 'Horváth', 'Nagy', 'Szabó',
  "O'Brien", "O'Connor", 'Ó Súilleabháin', 'McCarthy', 'MacDonald', 'van der Berg', 'de Vries',
  'van Dijk', 'de la Cruz', 'Al-Farsi', 'El Amrani', 'Ben-David', 'Smith-Jones', 'St. John',
];

/** Departments, most frequent first. */
// prettier-ignore
export const DEPARTMENTS: readonly string[] = [
  'Operations', 'Sales', 'Customer Service', 'Logistics', 'Retail', 'Finance',
  'Human Resources', 'IT', 'Marketing', 'Procurement', 'Quality Assurance', 'Facilities',
  'Research & Development', 'Legal', 'Executive',
];

/** Job titles, most frequent first. Several are also plausible user type names. */
// prettier-ignore
export const JOB_TITLES: readonly string[] = [
  'Employee', 'Sales Associate', 'Cashier', 'Warehouse Operative', 'Customer Service Agent',
  'Shift Supervisor', 'Driver', 'Team Lead', 'Store Manager', 'Manager', 'Accountant',
  'HR Partner', 'Software Engineer', 'Marketing Specialist', 'Buyer', 'Analyst', 'Consultant',
  'Intern', 'Director', 'Vice President',
];

/** Company names; null-company users also exist. */
export const COMPANIES: readonly string[] = [
  'Contoso Ltd',
  'Contoso Retail',
  'Contoso Logistics',
  'Fabrikam Inc',
  'Northwind Traders',
];

/** A coherent place: office, street, city, state, country, postal code prefix. */
export interface Location {
  officeLocation: string;
  streetAddress: string;
  city: string;
  state: string | null;
  country: string;
  postalCode: string;
}

/** Offices, most frequent first. */
// prettier-ignore
export const LOCATIONS: readonly Location[] = [
  { officeLocation: 'London HQ', streetAddress: '1 Canada Square', city: 'London', state: null, country: 'United Kingdom', postalCode: 'E14 5AB' },
  { officeLocation: 'Seattle', streetAddress: '400 Broad St', city: 'Seattle', state: 'WA', country: 'United States', postalCode: '98109' },
  { officeLocation: 'Manchester Store', streetAddress: '12 Market Street', city: 'Manchester', state: null, country: 'United Kingdom', postalCode: 'M1 1PT' },
  { officeLocation: 'Berlin', streetAddress: 'Friedrichstraße 68', city: 'Berlin', state: 'Berlin', country: 'Germany', postalCode: '10117' },
  { officeLocation: 'New York', streetAddress: '11 Times Square', city: 'New York', state: 'NY', country: 'United States', postalCode: '10036' },
  { officeLocation: 'Paris', streetAddress: '39 Quai du Président Roosevelt', city: 'Issy-les-Moulineaux', state: 'Île-de-France', country: 'France', postalCode: '92130' },
  { officeLocation: 'Warehouse Leeds', streetAddress: 'Unit 4, Thorpe Park', city: 'Leeds', state: null, country: 'United Kingdom', postalCode: 'LS15 8GB' },
  { officeLocation: 'Kraków', streetAddress: 'ul. Kamieńskiego 47', city: 'Kraków', state: 'Małopolskie', country: 'Poland', postalCode: '30-644' },
  { officeLocation: 'Copenhagen', streetAddress: 'Kanalvej 7', city: 'Kongens Lyngby', state: null, country: 'Denmark', postalCode: '2800' },
  { officeLocation: 'München', streetAddress: 'Walter-Gropius-Straße 5', city: 'München', state: 'Bayern', country: 'Germany', postalCode: '80807' },
  { officeLocation: 'Dublin', streetAddress: 'One Microsoft Place', city: 'Dublin', state: 'Leinster', country: 'Ireland', postalCode: 'D18 P521' },
  { officeLocation: 'Bengaluru', streetAddress: 'Embassy Golf Links', city: 'Bengaluru', state: 'Karnataka', country: 'India', postalCode: '560071' },
  { officeLocation: 'São Paulo', streetAddress: 'Av. Pres. Juscelino Kubitschek 2041', city: 'São Paulo', state: 'SP', country: 'Brazil', postalCode: '04543-011' },
  { officeLocation: 'Tokyo', streetAddress: '2-16-3 Konan', city: 'Minato', state: 'Tokyo', country: 'Japan', postalCode: '108-0075' },
  { officeLocation: 'Remote', streetAddress: '', city: 'Reykjavík', state: null, country: 'Iceland', postalCode: '101' },
];

/** Distinct city names of {@link LOCATIONS}. */
export const CITIES: readonly string[] = [...new Set(LOCATIONS.map((l) => l.city))];
/** Distinct countries of {@link LOCATIONS}. */
export const COUNTRIES: readonly string[] = [...new Set(LOCATIONS.map((l) => l.country))];
/** Distinct office names of {@link LOCATIONS}. */
export const OFFICE_LOCATIONS: readonly string[] = LOCATIONS.map((l) => l.officeLocation);

/** Mail domains of guest accounts. */
// prettier-ignore
export const GUEST_DOMAINS: readonly string[] = [
  'gmail.com', 'outlook.com', 'partner.example', 'agency.example', 'supplier.example',
];

/**
 * Comma lists that appear in jobTitle or department of a few users: a value that states
 * more than one user type (or, wrongly, more than one unit).
 */
export const JOB_TITLE_LISTS: readonly string[] = [
  'Manager, Employee',
  'Store Manager, Cashier',
  'Team Lead, Driver',
  'Employee, Intern',
];
/** Department comma lists (the mapping ignores those as units). */
export const DEPARTMENT_LISTS: readonly string[] = ['Sales, Marketing', 'Finance, Legal'];
