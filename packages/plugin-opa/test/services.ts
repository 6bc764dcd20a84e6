/** The AWS services the first-party policies cover, one policies/<service>/ folder each. */
export const SERVICES: readonly string[] = Object.freeze([
  's3',
  'kms',
  'iam',
  'lambda',
  'rds',
  'ec2',
  'vpc',
  'dynamodb',
  'sns',
  'sqs',
  'cloudwatch',
  'apigateway',
  'ssm',
]);
