// Places for generated card transactions: each account lives in one of these cities; account
// takeovers happen in a distant one. Currencies are of similar magnitude so amounts compare.

export interface City {
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** ISO 4217. */
  readonly currency: string;
  readonly lat: number;
  readonly lon: number;
  /** Relative share of accounts living here. */
  readonly population: number;
}

export const CITIES: readonly City[] = [
  { name: 'Amsterdam', country: 'NL', currency: 'EUR', lat: 52.3676, lon: 4.9041, population: 3 },
  { name: 'Rotterdam', country: 'NL', currency: 'EUR', lat: 51.9244, lon: 4.4777, population: 2 },
  { name: 'Berlin', country: 'DE', currency: 'EUR', lat: 52.52, lon: 13.405, population: 5 },
  { name: 'Munich', country: 'DE', currency: 'EUR', lat: 48.1351, lon: 11.582, population: 3 },
  { name: 'Paris', country: 'FR', currency: 'EUR', lat: 48.8566, lon: 2.3522, population: 6 },
  { name: 'Lyon', country: 'FR', currency: 'EUR', lat: 45.764, lon: 4.8357, population: 2 },
  { name: 'Madrid', country: 'ES', currency: 'EUR', lat: 40.4168, lon: -3.7038, population: 4 },
  { name: 'Barcelona', country: 'ES', currency: 'EUR', lat: 41.3874, lon: 2.1686, population: 3 },
  { name: 'Milan', country: 'IT', currency: 'EUR', lat: 45.4642, lon: 9.19, population: 3 },
  { name: 'Rome', country: 'IT', currency: 'EUR', lat: 41.9028, lon: 12.4964, population: 3 },
  { name: 'Dublin', country: 'IE', currency: 'EUR', lat: 53.3498, lon: -6.2603, population: 2 },
  { name: 'Zurich', country: 'CH', currency: 'CHF', lat: 47.3769, lon: 8.5417, population: 2 },
  { name: 'London', country: 'GB', currency: 'GBP', lat: 51.5072, lon: -0.1276, population: 7 },
  { name: 'Manchester', country: 'GB', currency: 'GBP', lat: 53.4808, lon: -2.2426, population: 2 },
  { name: 'New York', country: 'US', currency: 'USD', lat: 40.7128, lon: -74.006, population: 7 },
  { name: 'Chicago', country: 'US', currency: 'USD', lat: 41.8781, lon: -87.6298, population: 4 },
  {
    name: 'San Francisco',
    country: 'US',
    currency: 'USD',
    lat: 37.7749,
    lon: -122.4194,
    population: 3,
  },
  { name: 'Toronto', country: 'CA', currency: 'CAD', lat: 43.6532, lon: -79.3832, population: 3 },
  { name: 'Sydney', country: 'AU', currency: 'AUD', lat: -33.8688, lon: 151.2093, population: 3 },
  { name: 'Auckland', country: 'NZ', currency: 'NZD', lat: -36.8485, lon: 174.7633, population: 1 },
  { name: 'Singapore', country: 'SG', currency: 'SGD', lat: 1.3521, lon: 103.8198, population: 2 },
];

/** Great-circle distance in km (haversine, mean Earth radius 6371 km). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}
