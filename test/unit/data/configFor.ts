export { configFor } from '../helpers/config';
