/**
 * A vendor's published GraphQL schema as a contract: each query the connector sent must validate
 * against it (fields, arguments, variable types: graphql-js's `validate`), its variables must
 * coerce to the declared types, and each answer the fake gave must fit the query's shape (it is
 * executed against the schema with the answer's `data` as the root, so a wrong type or a null in
 * a non-null field shows as an error).
 *
 * @example
 * const schema = await loadGraphqlContract('node_modules/@octokit/graphql-schema/schema.graphql');
 * expect(schema.check({ query, variables }, { data })).toEqual([]);
 */
import { readFile } from 'node:fs/promises';
import { buildSchema, execute, type GraphQLSchema, parse, validate } from 'graphql';

export interface GraphqlContract {
  readonly schema: GraphQLSchema;
  /** Every way the request or the answer breaks the schema, in words; empty when both keep it. */
  check(
    request: { readonly query: string; readonly variables?: Record<string, unknown> },
    answer?: { readonly data?: unknown },
  ): string[];
}

/**
 * Loads a GraphQL schema (SDL) from a file (an npm package's, never the network).
 *
 * @example
 * const github = await loadGraphqlContract('node_modules/@octokit/graphql-schema/schema.graphql');
 */
export async function loadGraphqlContract(file: string): Promise<GraphqlContract> {
  // GitHub's published SDL repeats a few field definitions (identical twice); checking the SDL
  // itself is not this contract's job, so build it as published.
  const schema = buildSchema(await readFile(file, 'utf8'), { assumeValidSDL: true });
  return {
    schema,
    check(request, answer) {
      const document = parse(request.query);
      const errors = validate(schema, document).map((error) => `query: ${error.message}`);
      if (errors.length > 0) return errors;
      // Executing coerces the variables first (their errors carry no path), then reads the answer.
      const result = execute({
        schema,
        document,
        rootValue: answer?.data ?? {},
        variableValues: request.variables ?? {},
      }) as { errors?: readonly { message: string; path?: readonly (string | number)[] }[] };
      return (result.errors ?? []).map((error) =>
        error.path ? `answer at ${error.path.join('.')}: ${error.message}` : `variables: ${error.message}`,
      );
    },
  };
}
