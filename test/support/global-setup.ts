/** Placeholder until DynamoDB Local is started here for the integration tests. */
export default async function setup(): Promise<void> {}
